"""Making a backup."""

from __future__ import annotations

import json
import logging
import platform
import shutil
import socket
import tempfile
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import connections
from django.utils import timezone

from ..artifacts import media_archive_write, sha256_of
from ..engines import POSTGRESQL, engine_of, postgres_dump, sqlite_dump
from ..errors import BackupError
from ..selectors import LATEST_CACHE_KEY
from ..storage import MANIFEST, backup_name, backup_storage

logger = logging.getLogger(__name__)

DATABASE_POSTGRESQL = "database.dump"
DATABASE_SQLITE = "database.sqlite3"
MEDIA = "media.tar"


class _StagedFile(File):
    """A staged artifact. ``temporary_file_path`` lets a FileSystemStorage on the
    same disk move it into place instead of copying it (Django's upload path);
    other storages (S3) read it as a stream."""

    def temporary_file_path(self) -> str:
        return self.file.name


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("Django", "wagtail", "celery", "psycopg"):
        try:
            versions[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _free_name(storage, started_at: datetime) -> str:
    base = name = backup_name(started_at)
    number = 1
    while storage.exists(f"{name}/{MANIFEST}") or storage.exists(name):
        number += 1
        name = f"{base}-{number}"
    return name


def _store(storage, name: str, path: Path) -> None:
    with path.open("rb") as content:
        stored = storage.save(name, _StagedFile(content, name=path.name))
    if stored != name:  # the storage renamed it: never leave a backup so
        raise BackupError(f"The backup storage stored {name!r} as {stored!r}.")


def backup_create(*, alias: str = "default") -> dict:
    """Back up the database ``alias`` and MEDIA_ROOT into the backup storage; the
    manifest (returned) is written last. The database is dumped first and the media
    archived after, so every file a row names is in the archive (files added in
    between are there too, harmlessly). Raises ``BackupError``; an unfinished backup
    leaves no manifest and retention removes it."""
    storage = backup_storage()
    database = connections[alias].settings_dict
    engine = engine_of(database)
    started_at = timezone.now()
    name = _free_name(storage, started_at)
    settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=settings.BACKUP_DIR))
    try:
        if engine == POSTGRESQL:
            database_file = DATABASE_POSTGRESQL
            dump = postgres_dump(database=database, destination=staging / database_file)
        else:
            database_file = DATABASE_SQLITE
            dump = sqlite_dump(alias=alias, destination=staging / database_file)
        media = media_archive_write(
            root=Path(settings.MEDIA_ROOT), destination=staging / MEDIA
        )
        artifacts = {
            file: {
                "sha256": sha256_of(staging / file),
                "bytes": (staging / file).stat().st_size,
            }
            for file in (database_file, MEDIA)
        }
        manifest = {
            "format": 1,
            "name": name,
            "started_at": started_at.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "host": socket.gethostname(),
            "database": {
                "engine": dump.engine,
                "artifact": database_file,
                "name": database["NAME"] if engine == POSTGRESQL else "",
                "server_version": dump.server_version,
                "dump_tool": dump.tool,
                "dump_tool_major": dump.tool_major,
                "tables": dump.tables,
                "migrations": dump.migrations,
            },
            "media": {"artifact": MEDIA, **media},
            "artifacts": artifacts,
            "versions": _versions(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        for file in artifacts:
            _store(storage, f"{name}/{file}", staging / file)
        _store(storage, f"{name}/{MANIFEST}", staging / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    cache.delete(LATEST_CACHE_KEY)
    logger.info(
        "backup written",
        extra={
            "backup": name,
            "tables": len(dump.tables),
            "rows": sum(dump.tables.values()),
            "media_files": media["files"],
            "bytes": sum(a["bytes"] for a in artifacts.values()),
        },
    )
    return manifest

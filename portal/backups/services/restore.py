"""Checking a backup and restoring it into a fresh database and media folder."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import environ
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.migrations.loader import MigrationLoader

from ..artifacts import media_archive_extract, sha256_of
from ..engines import (
    POSTGRESQL,
    engine_of,
    postgres_counts,
    postgres_is_fresh,
    postgres_restore,
    sqlite_counts,
    sqlite_is_fresh,
    sqlite_restore,
)
from ..errors import BackupError
from ..selectors import manifest_parse
from ..storage import MANIFEST, backup_storage

logger = logging.getLogger(__name__)

_CHUNK = 1024 * 1024


def _fetch(name: str, staging: Path) -> Path:
    """The local path of the backup file ``name`` of the storage: its own path on a
    file system storage, else a copy downloaded into ``staging``."""
    storage = backup_storage()
    if not storage.exists(name):
        raise BackupError(f"{name} is missing from the backup storage.")
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    local = staging / Path(name).name
    with storage.open(name, "rb") as source, local.open("wb") as target:
        shutil.copyfileobj(source, target, _CHUNK)
    return local


def _files(backup: str, staging: Path) -> tuple[dict, dict[str, Path]]:
    """The manifest and the local path of each artifact of ``backup``: a folder on
    this machine, or the name of a backup in the backup storage."""
    folder = Path(backup)
    if folder.is_dir():
        manifest_path = folder / MANIFEST
        if not manifest_path.is_file():
            raise BackupError(f"{folder} has no {MANIFEST}: not a complete backup.")
        locate = folder.joinpath
    else:
        if "/" in backup or backup.startswith("."):
            raise BackupError(f"No backup folder or stored backup named {backup!r}.")
        manifest_path = _fetch(f"{backup}/{MANIFEST}", staging)

        def locate(file: str) -> Path:
            return _fetch(f"{backup}/{file}", staging)

    manifest = manifest_parse(manifest_path.read_bytes())
    paths = {}
    for file in manifest.get("artifacts", {}):
        if Path(file).name != file:
            raise BackupError(f"The manifest names an unexpected file {file!r}.")
        paths[file] = locate(file)
    return manifest, paths


def _verify(manifest: dict, paths: dict[str, Path]) -> None:
    expected = manifest.get("artifacts") or {}
    needed = {manifest["database"]["artifact"], manifest["media"]["artifact"]}
    missing = needed - set(expected)
    if missing:
        raise BackupError(f"The manifest has no checksum for {sorted(missing)}.")
    for file, facts in expected.items():
        path = paths[file]
        if not path.is_file():
            raise BackupError(f"{file} is missing from the backup.")
        actual = sha256_of(path)
        if actual != facts.get("sha256"):
            raise BackupError(
                f"Checksum mismatch for {file}: the backup is damaged or was "
                "altered; nothing was restored."
            )


def backup_verify(*, backup: str) -> dict:
    """Check every file of ``backup`` against its manifest's SHA-256; returns the
    manifest, raises ``BackupError`` on the first difference."""
    with tempfile.TemporaryDirectory(prefix="backup-verify-") as staging:
        manifest, paths = _files(backup, Path(staging))
        _verify(manifest, paths)
    return manifest


def _unknown_migrations(manifest: dict) -> list[str]:
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [
        f"{app}.{name}"
        for app, names in manifest["database"]["migrations"].items()
        for name in names
        if (app, name) not in on_disk
    ]


def _target_database(database_url: str | None) -> dict:
    if not database_url:
        return settings.DATABASES["default"]
    database = environ.Env.db_url_config(database_url)
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return database


def _check_targets(manifest: dict, database: dict, media_root: Path) -> str:
    engine = engine_of(database)
    if engine != manifest["database"]["engine"]:
        raise BackupError(
            f"This is a {manifest['database']['engine']} backup; the target "
            f"database is {engine}."
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            "The backup was made by a newer release (migrations unknown here: "
            f"{', '.join(unknown[:5])}); restore it with that release."
        )
    fresh = (
        postgres_is_fresh(database=database)
        if engine == POSTGRESQL
        else sqlite_is_fresh(database=database)
    )
    if not fresh:
        raise BackupError(
            f"The target database {database['NAME']!r} is not empty; restore into a "
            "fresh one (createdb) so nothing is overwritten."
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"The media folder {media_root} is not empty; restore into an empty one."
        )
    return engine


def _count_differences(expected: dict, actual: dict) -> list[str]:
    return [
        f"{table}: {expected.get(table)} in the backup, {actual.get(table)} restored"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]


def backup_restore(
    *,
    backup: str,
    database_url: str | None = None,
    media_root: Path | None = None,
) -> dict:
    """Restore ``backup`` (a local folder, or a name in the backup storage) into the
    database ``database_url`` (default: the configured one) and the folder
    ``media_root`` (default MEDIA_ROOT). Both must be empty. Every checksum is
    checked first: a damaged or altered backup restores nothing. The database is
    restored in one transaction, the media unpacked inside the target folder and
    moved into place only once the database is in; last, every table's row count
    is compared with the manifest. Returns ``{"backup", "tables", "rows",
    "media_files"}``."""
    database = _target_database(database_url)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="backup-restore-") as staging:
        manifest, paths = _files(backup, Path(staging))
        _verify(manifest, paths)
        engine = _check_targets(manifest, database, media_root)
        # Unpacked inside the target (which may be a volume's mount point, so it
        # is neither replaced nor renamed), then moved up once the database is in.
        media_root.mkdir(parents=True, exist_ok=True)
        unpacked = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root))
        try:
            media_archive_extract(
                archive=paths[manifest["media"]["artifact"]], destination=unpacked
            )
            archive = paths[manifest["database"]["artifact"]]
            if engine == POSTGRESQL:
                postgres_restore(
                    database=database,
                    archive=archive,
                    dumped_by_major=manifest["database"]["dump_tool_major"],
                )
            else:
                sqlite_restore(database=database, archive=archive)
            for entry in unpacked.iterdir():
                entry.rename(media_root / entry.name)
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)
    counts = (
        postgres_counts(database=database)
        if engine == POSTGRESQL
        else sqlite_counts(database=database)
    )
    differences = _count_differences(manifest["database"]["tables"], counts)
    if differences:
        raise BackupError(
            "Restored, but row counts differ from the backup: " + "; ".join(differences)
        )
    logger.info("backup restored", extra={"backup": manifest["name"]})
    return {
        "backup": manifest["name"],
        "tables": len(counts),
        "rows": sum(counts.values()),
        "media_files": manifest["media"]["files"],
    }

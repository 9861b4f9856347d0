"""Reads of the backup storage: which backups exist, the newest, a manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from .errors import BackupError
from .storage import MANIFEST, backup_storage, backup_time

# The newest backup, as the metrics read it: listing a bucket at every scrape of
# every web process would be wasteful; a new backup clears it.
LATEST_CACHE_KEY = "backups:latest"
LATEST_CACHE_SECONDS = 60


@dataclass(frozen=True)
class BackupEntry:
    name: str
    started_at: datetime
    complete: bool


def backup_list() -> list[BackupEntry]:
    """Every backup in the storage, newest first; ``complete`` is False for one
    that has no manifest (still running, or died half-way)."""
    storage = backup_storage()
    try:
        folders, _ = storage.listdir("")
    except FileNotFoundError:
        return []
    entries = []
    for name in folders:
        started_at = backup_time(name)
        if started_at is not None:
            complete = storage.exists(f"{name}/{MANIFEST}")
            entries.append(BackupEntry(name, started_at, complete))
    return sorted(entries, key=lambda entry: entry.name, reverse=True)


def backup_manifest_read(*, name: str) -> dict:
    """The manifest of the backup ``name`` in the storage."""
    storage = backup_storage()
    path = f"{name}/{MANIFEST}"
    if not storage.exists(path):
        raise BackupError(f"No complete backup named {name!r} in the backup storage.")
    with storage.open(path, "rb") as source:
        return manifest_parse(source.read())


def manifest_parse(content: bytes) -> dict:
    try:
        manifest = json.loads(content)
    except ValueError as error:
        raise BackupError(f"The backup's manifest is unreadable: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != 1:
        raise BackupError("The backup's manifest is not one this portal writes.")
    return manifest


def backup_latest() -> dict | None:
    """``{"name", "started_at" (epoch seconds), "bytes"}`` of the newest complete
    backup, or None; cached for a minute."""
    latest = cache.get(LATEST_CACHE_KEY)
    if latest is not None:
        return latest or None
    entry = next((entry for entry in backup_list() if entry.complete), None)
    latest = {}
    if entry is not None:
        manifest = backup_manifest_read(name=entry.name)
        latest = {
            "name": entry.name,
            "started_at": entry.started_at.timestamp(),
            "bytes": sum(a["bytes"] for a in manifest["artifacts"].values()),
        }
    cache.set(LATEST_CACHE_KEY, latest, LATEST_CACHE_SECONDS)
    return latest or None

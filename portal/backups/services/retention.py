"""Which backups to keep: the newest of each of the last N days and M ISO weeks."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..selectors import LATEST_CACHE_KEY, BackupEntry, backup_list
from ..storage import backup_storage

logger = logging.getLogger(__name__)

# A backup without a manifest this old is not running any more: it died half-way.
UNFINISHED_AFTER = timedelta(days=1)


def retention_keep(
    *, backups: Iterable[tuple[str, datetime]], keep_daily: int, keep_weekly: int
) -> set[str]:
    """The names to keep of ``backups`` (``(name, started_at)``): walking from the
    newest, the first backup of each new day until ``keep_daily`` days are kept and
    of each new ISO week until ``keep_weekly`` weeks are; the newest is always
    kept. The same rule as restic's and borg's ``--keep-daily/--keep-weekly``."""
    ordered = sorted(backups, key=lambda backup: backup[1], reverse=True)
    keep = {ordered[0][0]} if ordered else set()
    for count, period in (
        (keep_daily, lambda moment: moment.date()),
        (keep_weekly, lambda moment: moment.isocalendar()[:2]),
    ):
        seen = []
        for name, started_at in ordered:
            if len(seen) >= count:
                break
            if period(started_at) not in seen:
                seen.append(period(started_at))
                keep.add(name)
    return keep


def _delete(storage, name: str) -> None:
    _, files = storage.listdir(name)
    for file in files:
        storage.delete(f"{name}/{file}")
    storage.delete(name)  # the folder itself, where the storage has folders


def _stale_staging(now: float) -> None:
    """Staging folders a killed backup left in BACKUP_DIR."""
    root = Path(settings.BACKUP_DIR)
    if not root.is_dir():
        return
    for folder in root.glob(".staging-*"):
        if now - folder.stat().st_mtime > UNFINISHED_AFTER.total_seconds():
            shutil.rmtree(folder, ignore_errors=True)


def backups_prune(*, keep_daily: int, keep_weekly: int) -> list[str]:
    """Delete the complete backups ``retention_keep`` does not keep and unfinished
    ones older than a day; returns the names deleted."""
    entries: list[BackupEntry] = backup_list()
    complete = [(entry.name, entry.started_at) for entry in entries if entry.complete]
    keep = retention_keep(
        backups=complete, keep_daily=keep_daily, keep_weekly=keep_weekly
    )
    cutoff = timezone.now() - UNFINISHED_AFTER
    doomed = [
        entry.name
        for entry in entries
        if (entry.complete and entry.name not in keep)
        or (not entry.complete and entry.started_at < cutoff)
    ]
    storage = backup_storage()
    for name in doomed:
        _delete(storage, name)
    _stale_staging(time.time())
    if doomed:
        cache.delete(LATEST_CACHE_KEY)
        logger.info("old backups deleted", extra={"backups": doomed})
    return doomed

"""Backups (``portal.backups``): where they are kept, when they are made and how many
are kept. ``manage.py backup`` / ``restore`` and beat's nightly run read these."""

from pathlib import Path

from . import BASE_DIR, env

# Backups are written to the storage ``STORAGES["backups"]`` when that alias exists
# (e.g. django-storages' S3 backend with a bucket of its own); otherwise to this
# folder. A backup is assembled here first in either case (a ``.staging-*`` folder),
# so it needs room for one backup.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
# Retention after each nightly backup: the newest backup of each of the last
# BACKUP_KEEP_DAILY days that have one, and of each of the last BACKUP_KEEP_WEEKLY
# ISO weeks; the newest backup is always kept.
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
# Beat's nightly backup (UTC); false leaves backups to the operator's own schedule.
BACKUP_NIGHTLY = env.bool("BACKUP_NIGHTLY", default=True)
BACKUP_NIGHTLY_HOUR = env.int("BACKUP_NIGHTLY_HOUR", default=2)
BACKUP_NIGHTLY_MINUTE = env.int("BACKUP_NIGHTLY_MINUTE", default=30)
# Folder of pg_dump and pg_restore. Empty: Debian's /usr/lib/postgresql/<server
# major>/bin when present, else the ones on PATH; either way they must be at least
# the server's major version (checked before anything runs).
BACKUP_PG_BIN_DIR = env.str("BACKUP_PG_BIN_DIR", default="")

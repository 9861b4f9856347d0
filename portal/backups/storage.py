"""Where backups are kept, and how they are named."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

MANIFEST = "manifest.json"
_NAME = re.compile(r"^backup-(\d{8}T\d{6}Z)(?:-\d+)?$")
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"


def backup_storage() -> Storage:
    """``STORAGES["backups"]`` when the settings define it (for example
    django-storages' ``S3Storage`` with a bucket or prefix of its own), else the
    folder ``BACKUP_DIR``, readable by the portal's user only."""
    if "backups" in settings.STORAGES:
        return storages["backups"]
    return FileSystemStorage(
        location=settings.BACKUP_DIR,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def backup_name(when: datetime) -> str:
    return f"backup-{when.astimezone(UTC).strftime(_TIME_FORMAT)}"


def backup_time(name: str) -> datetime | None:
    """When the backup ``name`` was started, or None for a name that is not a
    backup's (staging folders, anything else kept there)."""
    found = _NAME.match(name)
    if found is None:
        return None
    return datetime.strptime(found.group(1), _TIME_FORMAT).replace(tzinfo=UTC)

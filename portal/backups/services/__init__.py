from .create import backup_create
from .restore import backup_restore, backup_verify
from .retention import backups_prune, retention_keep

__all__ = [
    "backup_create",
    "backup_restore",
    "backup_verify",
    "backups_prune",
    "retention_keep",
]

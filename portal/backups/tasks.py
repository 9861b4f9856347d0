from celery import shared_task
from django.conf import settings

from .services import backup_create, backups_prune


@shared_task(name="backups.nightly")
def nightly_backup() -> str:
    """Beat's nightly backup, then retention (BACKUP_KEEP_DAILY/WEEKLY). A failure
    raises (the task's FAILURE state is counted on /metrics) and the backup-age
    alert fires the next morning."""
    manifest = backup_create()
    backups_prune(
        keep_daily=settings.BACKUP_KEEP_DAILY, keep_weekly=settings.BACKUP_KEEP_WEEKLY
    )
    return manifest["name"]

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.backups.errors import BackupError
from portal.backups.selectors import backup_list
from portal.backups.services import backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's backup API) and MEDIA_ROOT, "
        "with a manifest of checksums and row counts, into STORAGES['backups'] or "
        "BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list",
            action="store_true",
            help="List the backups instead, newest first.",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Afterwards, delete what BACKUP_KEEP_DAILY/WEEKLY do not keep.",
        )

    def handle(self, *args, **options):
        try:
            if options["list"]:
                self._list()
                return
            manifest = backup_create()
            self.stdout.write(self.style.SUCCESS(f"Backup {manifest['name']} written:"))
            for file, facts in manifest["artifacts"].items():
                self.stdout.write(f"  {file}: {facts['bytes']} bytes {facts['sha256']}")
            tables = manifest["database"]["tables"]
            self.stdout.write(
                f"  {len(tables)} tables, {sum(tables.values())} rows; "
                f"{manifest['media']['files']} media files"
            )
            if options["prune"]:
                deleted = backups_prune(
                    keep_daily=settings.BACKUP_KEEP_DAILY,
                    keep_weekly=settings.BACKUP_KEEP_WEEKLY,
                )
                self.stdout.write(f"Deleted {len(deleted)} old backups.")
        except BackupError as error:
            raise CommandError(error.message) from error

    def _list(self) -> None:
        now = timezone.now()
        for entry in backup_list():
            age = now - entry.started_at
            state = "" if entry.complete else "  (unfinished)"
            hours = age.total_seconds() / 3600
            self.stdout.write(f"{entry.name}  {hours:.1f} h old{state}")

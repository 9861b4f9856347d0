from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups.errors import BackupError
from portal.backups.services import backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup (a folder, or a backup's name in the backup storage) into "
        "a fresh database and an empty media folder, after checking every checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup-YYYYmmddTHHMMSSZ or a folder path")
        parser.add_argument(
            "--database-url",
            help="The empty target database (default: DATABASE_URL's).",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="The empty target media folder (default: MEDIA_ROOT).",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the files against the manifest's checksums.",
        )

    def handle(self, *args, **options):
        try:
            if options["verify_only"]:
                manifest = backup_verify(backup=options["backup"])
                self.stdout.write(
                    self.style.SUCCESS(f"{manifest['name']}: every checksum matches.")
                )
                return
            result = backup_restore(
                backup=options["backup"],
                database_url=options["database_url"],
                media_root=options["media_root"],
            )
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result['backup']}: {result['tables']} tables, "
                f"{result['rows']} rows (as counted in the backup), "
                f"{result['media_files']} media files."
            )
        )

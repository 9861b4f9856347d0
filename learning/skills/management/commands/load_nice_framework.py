"""``manage.py load_nice_framework``: load the shipped NICE Framework components
(checksum verified against the manifest); running it again changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.errors import DomainError

from ...services import nice_framework_load
from ...services.framework import DEFAULT_MANIFEST


class Command(BaseCommand):
    help = "Load the NICE Framework components shipped in learning/skills/data/nice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--manifest",
            default=str(DEFAULT_MANIFEST),
            help="The manifest (version, file, sha256) of the file to load.",
        )
        parser.add_argument(
            "--not-current",
            action="store_true",
            help="Load beside the current version without switching coverage to it.",
        )

    def handle(self, *args, **options):
        try:
            result = nice_framework_load(
                manifest_path=Path(options["manifest"]),
                make_current=not options["not_current"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        if result.changed:
            changes = "; ".join(
                f"{verb} {dict(counter)}"
                for verb, counter in (
                    ("created", result.created),
                    ("updated", result.updated),
                    ("deleted", result.deleted),
                )
                if +counter
            )
            self.stdout.write(f"NICE Framework {result.version}: {changes}.")
        else:
            self.stdout.write(f"NICE Framework {result.version}: already loaded.")
        self.stdout.write(f"  {counts}")

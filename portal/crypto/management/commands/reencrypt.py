"""``manage.py reencrypt``: every encrypted value under the current key.

Rotating a key: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones
after it), deploy, run this command, then remove the old keys. Safe to run again
(values already under the current key are left alone) and while the portal runs
(each batch locks its rows).
"""

from django.core.management.base import BaseCommand, CommandError

from portal.crypto.services import DEFAULT_BATCH_SIZE, encrypted_data_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field, MFA secret and encrypted file under the "
        "first key of FIELD_ENCRYPTION_KEYS, in batches; prints counts per model."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = encrypted_data_reencrypt(batch_size=batch_size)
        totals = {"rotated": 0, "encrypted": 0, "current": 0}
        for label, counts in report.items():
            self.stdout.write(
                f"{label}: {counts.rotated} re-encrypted, {counts.encrypted} "
                f"encrypted from plain text, {counts.current} already current"
            )
            for name in totals:
                totals[name] += getattr(counts, name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['rotated']} re-encrypted, {totals['encrypted']} "
                f"encrypted from plain text, {totals['current']} already current."
            )
        )

from django.core.management.base import BaseCommand

from portal.audit.services.anchors import audit_anchor_write


class Command(BaseCommand):
    help = (
        "Write a signed anchor of every audit chain's head to AUDIT_ANCHOR_FILE and "
        "the log stream (Celery beat does it periodically), e.g. before a backup."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", help="Anchor file to append to (default: AUDIT_ANCHOR_FILE)."
        )

    def handle(self, *args, **options):
        anchors = audit_anchor_write(path=options["file"])
        for anchor in anchors:
            self.stdout.write(
                f"Chain {anchor.chain}: anchored at sequence {anchor.sequence} "
                f"(anchor #{anchor.counter})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(anchors)} anchor(s) written"))

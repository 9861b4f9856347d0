from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from portal.audit.models import AuditLog
from portal.audit.services import audit_chain_verify
from portal.audit.services.anchors import audit_anchors_load


class Command(BaseCommand):
    help = (
        "Check that no audit log entry was altered, removed or reordered, chain by "
        "chain, and that no chain was cut back behind its last anchor."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            help=(
                "Anchor file, or a saved JSON log stream with audit.anchor lines "
                "(default: AUDIT_ANCHOR_FILE if it exists)."
            ),
        )

    def handle(self, *args, **options):
        path = options["anchors"]
        if path is None and Path(settings.AUDIT_ANCHOR_FILE).exists():
            path = settings.AUDIT_ANCHOR_FILE
        # Anchors are read before the chains: an anchor written meanwhile cannot be
        # ahead of the heads the check reads.
        anchors, problems = ({}, []) if path is None else audit_anchors_load(path=path)
        problems += audit_chain_verify(anchors=anchors)
        if problems:
            # Each problem names its chain (or the anchors).
            for problem in problems:
                self.stderr.write(problem)
            # CommandError makes manage.py exit with status 1, for cron and CI.
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s).")
        per_chain = (
            AuditLog.objects.order_by("chain")
            .values_list("chain")
            .annotate(entries=Count("id"))
        )
        total = 0
        for chain, entries in per_chain:
            total += entries
            self.stdout.write(f"Chain {chain}: {entries} entries intact")
        if path is None:
            self.stdout.write(
                self.style.WARNING(
                    "No anchors: entries cut from a chain's end cannot be detected "
                    "(pass --anchors, see anchor_audit_chain)."
                )
            )
        else:
            self.stdout.write(f"{len(anchors)} chain(s) match their last anchor")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {total} entries in {len(per_chain)} chain(s)"
            )
        )

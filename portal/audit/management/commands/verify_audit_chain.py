from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from portal.audit.models import AuditLog
from portal.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Check that no audit log entry was altered, removed or reordered, chain by "
        "chain."
    )

    def handle(self, *args, **options):
        problems = audit_chain_verify()
        if problems:
            # Each problem names its chain.
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
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {total} entries in {len(per_chain)} chain(s)"
            )
        )

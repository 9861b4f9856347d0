from django.core.management.base import BaseCommand, CommandError

from portal.audit.models import AuditLog
from portal.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Check that no audit log entry was altered, removed or reordered."

    def handle(self, *args, **options):
        problems = audit_chain_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            # CommandError makes manage.py exit with status 1, for cron and CI.
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s).")
        count = AuditLog.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} entries"))

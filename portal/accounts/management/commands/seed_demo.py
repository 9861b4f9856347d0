from django.core.management.base import BaseCommand

from portal.demo import run_seeders


class Command(BaseCommand):
    help = "Create the demo catalog and accounts (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the portal will be served (printed for the reader).",
        )

    def handle(self, *args, **options):
        report = run_seeders()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Demo accounts (email / password):")
        for role, email, password in report.accounts:
            self.stdout.write(f"  {role:<26} {email:<26} {password}")
        url = options["url"].rstrip("/")
        self.stdout.write(
            f"Portal: {url}/   Editor: {url}/cms/   API docs: {url}/api/v1/docs/"
        )

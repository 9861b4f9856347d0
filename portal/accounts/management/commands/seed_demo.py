from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from portal.demo import run_seeders


class Command(BaseCommand):
    help = "Create the demo catalog and accounts (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the portal will be served: printed for the reader, and the "
            "default site's host and port, so page links in e-mails point there "
            "(certificate links and QR codes follow SITE_URL, which make run sets "
            "to the same address).",
        )

    def handle(self, *args, **options):
        url = options["url"].rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--url must be an http(s) address, not {url!r}.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        # First, so that the review workflow's e-mails sent while seeding link there.
        Site.objects.filter(is_default_site=True).update(
            hostname=parts.hostname, port=port
        )
        report = run_seeders()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for line in report.lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Demo accounts (email / password):")
        for role, email, password in report.accounts:
            self.stdout.write(f"  {role:<26} {email:<26} {password}")
        self.stdout.write(
            f"Portal: {url}/   Editor: {url}/cms/   API docs: {url}/api/v1/docs/"
        )

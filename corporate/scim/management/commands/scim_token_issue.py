"""``manage.py scim_token_issue <organization slug> --name Okta``: issue a SCIM
token for an organization and print it once (only its hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

from corporate.models import Organization

from ...services import scim_token_issue


class Command(BaseCommand):
    help = "Issue a SCIM bearer token for an organization (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organization's slug.")
        parser.add_argument("--name", default="HR system", help="What will use it.")

    def handle(self, *args, organization, name, **options):
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization with the slug {organization!r}.")
        token, raw = scim_token_issue(organization_id=found.pk, name=name, actor=None)
        self.stderr.write(
            f"SCIM token {token.prefix}… for {found.name}; it is not shown again."
        )
        self.stdout.write(raw)

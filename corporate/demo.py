"""A demo organization: the corporate rep follows the demo student."""

from portal.accounts.models import User
from portal.demo import DemoReport

from .models import Organization, OrganizationMembership
from .services import organization_member_add


def seed_organization(report: DemoReport) -> None:
    organization, _ = Organization.objects.get_or_create(
        slug="veterans-cyber-corps", defaults={"name": "Veterans Cyber Corps"}
    )
    members = (
        ("rep@example.org", OrganizationMembership.Role.REPRESENTATIVE),
        ("student@example.org", OrganizationMembership.Role.MEMBER),
    )
    for email, role in members:
        user = User.objects.filter(email=email).first()
        if user and not OrganizationMembership.objects.filter(user=user).exists():
            organization_member_add(organization=organization, user=user, role=role)
    report.lines.append(f"Organization: {organization.name} (rep@example.org).")

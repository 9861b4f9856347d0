"""The demo's SCIM side (``make run``): idempotent, and its token works."""

import pytest

from corporate.models import Organization, OrganizationMembership
from corporate.scim.demo import EMPLOYEES, seed_scim
from corporate.scim.models import ScimGroup, ScimIdentity, ScimToken
from portal.demo import DemoReport

pytestmark = pytest.mark.django_db


def test_seeds_employees_a_team_and_a_token_once(client):
    organization = Organization.objects.create(
        name="Veterans Cyber Corps", slug="veterans-cyber-corps"
    )
    first = DemoReport()
    seed_scim(first)
    raw = first.lines[0].split("(shown once): ")[1].split()[0]
    again = DemoReport()
    seed_scim(again)
    assert "shown when it was issued" in again.lines[0]
    assert ScimToken.objects.count() == 1
    assert ScimIdentity.objects.count() == len(EMPLOYEES)
    assert ScimGroup.objects.get().members.count() == len(EMPLOYEES)
    assert OrganizationMembership.objects.filter(
        organization=organization
    ).count() == len(EMPLOYEES)
    response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["totalResults"] == len(EMPLOYEES)


def test_nothing_without_the_demo_organization():
    report = DemoReport()
    seed_scim(report)
    assert report.lines == []
    assert not ScimToken.objects.exists()

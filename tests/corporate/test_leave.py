"""A member leaves an organization herself (a representative may add anyone with an
account, without asking): through the API (``DELETE`` of her own membership) and
from her profile page. Afterwards its representatives no longer see her; nobody
else can use the same door to remove someone."""

import pytest
from django.test import Client

from corporate.models import OrganizationMembership
from portal.audit.models import AuditLog
from tests.portal.factories import UserFactory

from .conftest import data_of, member_of, representative_of

pytestmark = pytest.mark.django_db


def member_url(organization, user):
    return f"/api/v1/organizations/{organization.pk}/members/{user.pk}"


def current(user, organization):
    return OrganizationMembership.objects.current().filter(
        user=user, organization=organization
    )


class TestLeavingThroughTheApi:
    def test_a_member_leaves_and_the_representative_loses_sight_of_her(
        self, as_user, acme, rep_a
    ):
        member = member_of(acme)
        assert as_user(rep_a).get(f"/api/v1/users/{member.pk}").status_code == 200

        left = data_of(as_user(member).delete(member_url(acme, member)))
        assert left["user"]["id"] == member.pk
        assert not current(member, acme).exists()
        assert OrganizationMembership.objects.filter(user=member).get().left_at
        assert AuditLog.objects.filter(
            action="organization.member_removed", user=member
        ).exists()
        rep = as_user(rep_a)
        assert rep.get(f"/api/v1/users/{member.pk}").status_code == 404
        members = data_of(rep.get(f"/api/v1/organizations/{acme.pk}/members"))
        assert member.pk not in [row["user"]["id"] for row in members]
        # Leaving twice: she is no longer a member, and a learner sees no
        # organization.
        assert as_user(member).delete(member_url(acme, member)).status_code == 404

    def test_she_cannot_remove_anyone_else(self, as_user, acme):
        member, other = member_of(acme), member_of(acme)
        response = as_user(member).delete(member_url(acme, other))
        assert response.status_code == 404
        assert current(other, acme).exists()

    def test_she_cannot_leave_an_organization_she_is_not_in(
        self, as_user, acme, globex
    ):
        member = member_of(acme)
        outsider = member_of(globex)
        assert as_user(outsider).delete(member_url(acme, member)).status_code == 404
        assert as_user(outsider).delete(member_url(acme, outsider)).status_code == 404
        assert current(member, acme).exists()
        assert current(outsider, globex).exists()

    def test_a_representative_does_not_remove_herself(self, as_user, acme, rep_a):
        """Representatives are removed by administrators (as before)."""
        response = as_user(rep_a).delete(member_url(acme, rep_a))
        assert response.status_code == 403
        assert current(rep_a, acme).exists()


class TestLeavingFromTheProfile:
    def _client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def test_the_profile_lists_her_organizations_and_she_leaves_one(self, acme, globex):
        member = UserFactory()
        for organization in (acme, globex):
            OrganizationMembership.objects.create(
                organization=organization, user=member
            )
        representative_of(acme)
        client = self._client(member)
        page = client.get("/accounts/profile/").content.decode()
        assert "Acme Defense" in page
        assert "Globex" in page
        assert f"/organization-memberships/{acme.pk}/leave/" in page

        response = client.post(f"/organization-memberships/{acme.pk}/leave/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/profile/"
        assert not current(member, acme).exists()
        assert current(member, globex).exists()
        page = client.get("/accounts/profile/").content.decode()
        assert "You left Acme Defense" in page
        assert f"/organization-memberships/{acme.pk}/leave/" not in page

    def test_only_a_post_of_her_own_membership(self, acme):
        member, other = member_of(acme), member_of(acme)
        client = self._client(other)
        assert (
            client.get(f"/organization-memberships/{acme.pk}/leave/").status_code == 405
        )
        # Not a member of this id (the other organization, or none): 404.
        assert client.post("/organization-memberships/999999/leave/").status_code == (
            404
        )
        assert current(member, acme).exists()
        anonymous = Client().post(f"/organization-memberships/{acme.pk}/leave/")
        assert anonymous.status_code == 302
        assert "/accounts/login/" in anonymous["Location"]
        assert current(other, acme).exists()

    def test_no_panel_without_memberships(self, acme):
        page = self._client(UserFactory()).get("/accounts/profile/").content.decode()
        assert "organizations-heading" not in page

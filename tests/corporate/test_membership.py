import pytest

from corporate.models import Organization, OrganizationMembership
from corporate.services import organization_member_add, organization_member_remove
from portal.accounts.models import Role
from portal.errors import Conflict, InvalidInput
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
REP = OrganizationMembership.Role.REPRESENTATIVE


@pytest.fixture
def acme():
    return Organization.objects.create(name="Acme Defense", slug="acme")


@pytest.fixture
def globex():
    return Organization.objects.create(name="Globex", slug="globex")


class TestCorporateRepAccess:
    def test_rep_sees_members_of_her_organization_only(self, api_client, acme, globex):
        rep = UserFactory(role=Role.CORPORATE_REP)
        early, late, outsider = UserFactory(), UserFactory(), UserFactory()
        organization_member_add(organization=acme, user=early)
        organization_member_add(organization=acme, user=rep, role=REP)
        organization_member_add(organization=acme, user=late)
        organization_member_add(organization=globex, user=outsider)
        signed_in(api_client, rep)
        assert api_client.get(f"/api/v1/users/{early.pk}").status_code == 200
        assert api_client.get(f"/api/v1/users/{late.pk}").status_code == 200
        assert api_client.get(f"/api/v1/users/{outsider.pk}").status_code == 404

    def test_removed_member_is_no_longer_visible(self, api_client, acme):
        rep, member = UserFactory(role=Role.CORPORATE_REP), UserFactory()
        organization_member_add(organization=acme, user=rep, role=REP)
        membership = organization_member_add(organization=acme, user=member)
        signed_in(api_client, rep)
        organization_member_remove(membership=membership)
        assert api_client.get(f"/api/v1/users/{member.pk}").status_code == 404

    def test_members_do_not_see_each_other(self, api_client, acme):
        one, two = UserFactory(), UserFactory()
        organization_member_add(organization=acme, user=one)
        organization_member_add(organization=acme, user=two)
        signed_in(api_client, one)
        assert api_client.get(f"/api/v1/users/{two.pk}").status_code == 404


class TestMembershipRules:
    def test_representatives_need_the_role(self, acme):
        with pytest.raises(InvalidInput):
            organization_member_add(organization=acme, user=UserFactory(), role=REP)

    def test_one_current_membership_per_organization(self, acme, globex):
        user = UserFactory()
        organization_member_add(organization=acme, user=user)
        with pytest.raises(Conflict):
            organization_member_add(organization=acme, user=user)
        organization_member_add(organization=globex, user=user)  # several orgs

    def test_joining_again_after_leaving_starts_a_new_period(self, acme):
        user = UserFactory()
        first = organization_member_add(organization=acme, user=user)
        organization_member_remove(membership=first)
        second = organization_member_add(organization=acme, user=user)
        assert second.pk != first.pk
        first.refresh_from_db()
        assert first.left_at is not None
        assert second.left_at is None

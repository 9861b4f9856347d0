import pytest

from corporate.models import Organization, OrganizationMembership, SeatPool
from corporate.services import organization_member_add
from portal.accounts.models import Role
from tests.learning import conftest as learning
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

REP = OrganizationMembership.Role.REPRESENTATIVE

# The course fixtures of the learning tests, shared.
admin_user = learning.admin_user
instructor = learning.instructor
make_course = learning.make_course
course = learning.course
student = learning.student


def representative_of(organization):
    rep = UserFactory(role=Role.CORPORATE_REP)
    organization_member_add(organization=organization, user=rep, role=REP)
    return rep


def member_of(organization, **fields):
    user = UserFactory(**fields)
    organization_member_add(organization=organization, user=user)
    return user


@pytest.fixture
def acme(db):
    return Organization.objects.create(name="Acme Defense", slug="acme")


@pytest.fixture
def globex(db):
    return Organization.objects.create(name="Globex", slug="globex")


@pytest.fixture
def rep_a(acme):
    return representative_of(acme)


@pytest.fixture
def rep_b(globex):
    return representative_of(globex)


@pytest.fixture
def seats(acme, course, admin_user):
    """Three seats for Acme in ``course``."""
    return SeatPool.objects.create(
        organization=acme, course=course, quantity=3, created_by=admin_user
    )


@pytest.fixture
def as_user(api_client):
    """``as_user(user)``: the API client signed in as ``user``."""

    def sign_in(user):
        api_client.credentials()
        signed_in(api_client, user)
        return api_client

    return sign_in


def data_of(response, status=200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


def error_of(response, status):
    assert response.status_code == status, response.content
    return response.json()["errors"][0]

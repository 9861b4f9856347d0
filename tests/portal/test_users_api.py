"""GET/PUT /api/v1/users/{id}: who may see and change whom."""

import pytest
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.accounts.services import user_view_grant
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import bearer, signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(user_or_id) -> str:
    return f"/api/v1/users/{getattr(user_or_id, 'pk', user_or_id)}"


class TestRead:
    def test_me_and_own_id(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        me = api_client.get("/api/v1/users/me/").json()["data"]
        assert me == api_client.get(url(user)).json()["data"]
        assert me["profile"]["first_name"] == user.first_name
        assert set(me["profile"]) >= {"bio", "phone", "organization_name", "avatar"}

    def test_another_learner_is_not_found(self, api_client):
        other = UserFactory()
        signed_in(api_client, UserFactory())
        response = api_client.get(url(other))
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NOT_FOUND"

    def test_unknown_and_huge_ids(self, api_client):
        signed_in(api_client, UserFactory())
        assert api_client.get(url(999999)).status_code == 404
        assert api_client.get(url(10**19)).status_code == 404
        assert api_client.get("/api/v1/users/abc").status_code == 404

    def test_admin_sees_anyone(self, api_client):
        other = UserFactory()
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        assert api_client.get(url(other)).status_code == 200

    def test_mentor_sees_only_assigned_mentees(self, api_client):
        mentor, mentee, stranger = (
            UserFactory(role=Role.MENTOR),
            UserFactory(),
            UserFactory(),
        )
        user_view_grant(viewer=mentor, user=mentee)
        signed_in(api_client, mentor)
        assert api_client.get(url(mentee)).status_code == 200
        assert api_client.get(url(stranger)).status_code == 404

    def test_anonymous_is_401(self):
        assert APIClient().get(url(UserFactory())).status_code == 401


class TestUpdate:
    def test_update_own_profile_partially(self, api_client):
        user = UserFactory(first_name="Old")
        signed_in(api_client, user)
        response = api_client.put(
            url("me"),
            {"bio": "Army signals, 12 years.", "phone": "+1 555 0100"},
            format="json",
        )
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["profile"]["bio"] == "Army signals, 12 years."
        assert data["profile"]["phone"] == "+1 555 0100"
        assert data["first_name"] == "Old"
        response = api_client.patch(url(user), {"first_name": "New"}, format="json")
        assert response.json()["data"]["first_name"] == "New"
        assert response.json()["data"]["profile"]["bio"] == "Army signals, 12 years."

    @pytest.mark.parametrize(
        "body", [{"role": "admin"}, {"is_active": False}, {"role": "admin", "bio": "x"}]
    )
    def test_student_cannot_change_role_or_activity(self, api_client, body):
        user = UserFactory()
        signed_in(api_client, user)
        response = api_client.put(url("me"), body, format="json")
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"
        user.refresh_from_db()
        assert user.role == Role.STUDENT
        assert user.is_active
        assert user.profile.bio == ""

    def test_mentor_can_read_but_not_edit_a_mentee(self, api_client):
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        user_view_grant(viewer=mentor, user=mentee)
        signed_in(api_client, mentor)
        assert (
            api_client.put(url(mentee), {"bio": "hacked"}, format="json").status_code
            == 403
        )
        mentee.profile.refresh_from_db()
        assert mentee.profile.bio == ""

    def test_cannot_edit_a_stranger(self, api_client):
        other = UserFactory()
        signed_in(api_client, UserFactory())
        assert (
            api_client.put(url(other), {"bio": "x"}, format="json").status_code == 404
        )

    @pytest.mark.parametrize(
        "body",
        [
            {"bio": "x" * 5001},
            {"phone": "call me maybe"},
            {"role": "wizard"},
            {"first_name": ["a"]},
        ],
    )
    def test_bad_input(self, api_client, body):
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        response = api_client.put(url("me"), body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] in body

    def test_admin_changes_role_which_ends_the_users_sessions(self, api_client):
        target = UserFactory()
        target_client = APIClient()
        old = signed_in(target_client, target)
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        response = api_client.put(url(target), {"role": "instructor"}, format="json")
        assert response.status_code == 200
        assert response.json()["data"]["role"] == "instructor"
        assert target_client.get(url("me")).status_code == 401
        assert (
            APIClient()
            .post("/api/v1/auth/refresh", {"refresh": old["refresh"]}, format="json")
            .status_code
            == 401
        )
        fresh = signed_in(APIClient(), target)
        assert "course:create" in fresh["user"]["permissions"]
        entry = AuditLog.objects.get(action="user.role_changed")
        assert entry.details == {"from": "student", "to": "instructor"}
        assert entry.resource_id == str(target.pk)

    def test_admin_cannot_demote_themselves(self, api_client):
        admin = UserFactory(role=Role.ADMIN)
        signed_in(api_client, admin)
        assert (
            api_client.put(url("me"), {"role": "student"}, format="json").status_code
            == 409
        )
        admin.refresh_from_db()
        assert admin.role == Role.ADMIN

    def test_query_count_is_constant(self, api_client, django_assert_max_num_queries):
        signed_in(api_client, UserFactory())
        with django_assert_max_num_queries(4):
            assert api_client.get(url("me")).status_code == 200

    def test_bearer_of_deleted_user(self, api_client):
        user = UserFactory()
        token = signed_in(api_client, user)["token"]
        user.delete()
        assert bearer(APIClient(), token).get(url("me")).status_code == 401


class TestRolePrivileges:
    def test_role_change_moves_editor_access(self, api_client):
        target = UserFactory()
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        api_client.put(url(target), {"role": "instructor"}, format="json")
        target.refresh_from_db()
        assert list(target.groups.values_list("name", flat=True)) == ["Instructors"]
        assert target.has_perm("wagtailadmin.access_admin")
        assert not target.is_superuser
        api_client.put(url(target), {"role": "admin"}, format="json")
        target = type(target).objects.get(pk=target.pk)
        assert target.is_superuser
        assert list(target.groups.values_list("name", flat=True)) == ["Moderators"]
        api_client.put(url(target), {"role": "student"}, format="json")
        target = type(target).objects.get(pk=target.pk)
        assert not target.is_superuser
        assert not target.groups.exists()
        assert not target.has_perm("wagtailadmin.access_admin")

"""Every path that changes a password, a role or the active flag ends the user's
sessions and keeps ``is_superuser``/``is_staff`` on the role (issue 13, finding 6),
tried from the attacker's side: the holder of an old refresh token."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from rest_framework_simplejwt.tokens import AccessToken

from portal.accounts.models import Role, User
from portal.accounts.services import user_role_privileges_sync
from tests.portal.auth_helpers import bearer, signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_USERS = "/django-admin/accounts/user/"
NEW_PASSWORD = "An0ther-l0ng-passphrase!"


class _FormValues(HTMLParser):
    """The values a browser would post for the admin's change form of a user
    (inputs, checked boxes, selected options, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("id") == "user_form"
        if not self._inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            checkable = a.get("type") in ("checkbox", "radio")
            self.data.append((a["name"], a.get("value", "on" if checkable else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.append((a["name"], ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.data.pop()
            self.data.append((name, value + data))


def form_values(html: str) -> dict[str, list[str]]:
    parser = _FormValues()
    parser.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in parser.data:
        values.setdefault(name, []).append(value)
    return values


def _refresh(api_client, refresh: str):
    return api_client.post("/api/v1/auth/refresh", {"refresh": refresh}, format="json")


@pytest.fixture
def root_client(client):
    client.force_login(User.objects.create_superuser("root@example.org", "pw"))
    return client


class TestDjangoAdminPasswordChange:
    def test_the_old_refresh_token_is_refused(self, root_client, api_client):
        victim = UserFactory()
        tokens = signed_in(api_client, victim)
        response = root_client.post(
            f"{ADMIN_USERS}{victim.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302, response.content
        api_client.credentials()
        assert _refresh(api_client, tokens["refresh"]).status_code == 401
        bearer(api_client, tokens["token"])
        assert api_client.get("/api/v1/users/me").status_code == 401


class TestDjangoAdminRoleChange:
    def test_an_admin_made_student_keeps_no_privilege(self, root_client, api_client):
        demoted = UserFactory(role=Role.ADMIN)
        user_role_privileges_sync(user=demoted)
        assert demoted.is_superuser
        tokens = signed_in(api_client, demoted)
        url = f"{ADMIN_USERS}{demoted.pk}/change/"
        data = form_values(root_client.get(url).content.decode())
        data["role"] = [Role.STUDENT]
        response = root_client.post(url, data)
        assert response.status_code == 302, response.content

        demoted.refresh_from_db()
        assert not demoted.is_superuser
        assert not demoted.is_staff
        assert not demoted.groups.exists()
        api_client.credentials()
        assert _refresh(api_client, tokens["refresh"]).status_code == 401
        fresh = signed_in(api_client, demoted)
        assert AccessToken(fresh["token"])["role"] == Role.STUDENT
        assert "*" not in AccessToken(fresh["token"])["permissions"]

    def test_an_instructor_made_student_loses_the_editor_group(self, root_client):
        instructor = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=instructor)
        url = f"{ADMIN_USERS}{instructor.pk}/change/"
        data = form_values(root_client.get(url).content.decode())
        assert data["groups"]  # the form posts the group back
        data["role"] = [Role.STUDENT]
        assert root_client.post(url, data).status_code == 302
        assert not instructor.groups.exists()

    def test_the_form_does_not_make_a_student_superuser(self, root_client):
        student = UserFactory()
        url = f"{ADMIN_USERS}{student.pk}/change/"
        data = form_values(root_client.get(url).content.decode())
        data["is_superuser"] = data["is_staff"] = ["on"]
        assert root_client.post(url, data).status_code == 302
        student.refresh_from_db()
        assert not student.is_superuser
        assert not student.is_staff


class TestAnyPath:
    """The model layer catches a path no form knows of (a shell, a command)."""

    def test_a_saved_password_ends_the_sessions(self, api_client):
        user = UserFactory()
        tokens = signed_in(api_client, user)
        user.set_password(NEW_PASSWORD)
        user.save()
        api_client.credentials()
        assert _refresh(api_client, tokens["refresh"]).status_code == 401

    def test_a_saved_deactivation_ends_the_sessions(self, api_client):
        user = UserFactory()
        tokens = signed_in(api_client, user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        api_client.credentials()
        assert _refresh(api_client, tokens["refresh"]).status_code == 401

    def test_saving_other_fields_keeps_the_sessions(self, api_client):
        user = UserFactory()
        tokens = signed_in(api_client, user)
        user.first_name = "Renamed"
        user.save()
        api_client.credentials()
        assert _refresh(api_client, tokens["refresh"]).status_code == 200

    def test_a_saved_role_change_drops_the_editor_group(self):
        user = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=user)
        assert Group.objects.filter(user=user, name="Instructors").exists()
        user.role = Role.STUDENT
        user.save()
        assert not user.groups.exists()

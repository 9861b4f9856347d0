"""Roles that require MFA reach the admin areas only with an authenticator app."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def activate_url():
    return reverse("mfa_activate_totp")


@pytest.fixture
def make_user(django_user_model):
    def make(role="student", *, superuser=False, totp=False):
        create = (
            django_user_model.objects.create_superuser
            if superuser
            else django_user_model.objects.create_user
        )
        extra = {} if superuser else {"role": role}
        user = create(f"{role}-{superuser}@example.org", PASSWORD, **extra)
        if superuser and role != "admin":
            # A superuser whose role field says otherwise still counts as admin. A
            # saved role change would re-derive ``is_superuser`` from the role, so
            # the row is written as older data or raw SQL would leave it.
            django_user_model.objects.filter(pk=user.pk).update(role=role)
            user.role = role
        if totp:
            TOTP.activate(user, generate_totp_secret())
        return user

    return make


def redirects_to(response, url) -> bool:
    return response.status_code == 302 and response["Location"] == url


class TestMFAEnrollmentRequired:
    @pytest.mark.parametrize("path", ["/cms/", "/cms/pages/", "/django-admin/"])
    def test_instructor_without_totp_is_sent_to_set_it_up(
        self, client, settings, make_user, activate_url, path
    ):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("instructor"))

        response = client.get(path)

        assert redirects_to(response, activate_url)
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("two-factor authentication" in text for text in texts)

    def test_student_is_not_affected(self, client, settings, make_user, activate_url):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("student"))

        response = client.get("/cms/")

        assert not redirects_to(response, activate_url)

    def test_student_costs_no_authenticator_query(self, client, settings, make_user):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("student"))

        with CaptureQueriesContext(connection) as queries:
            client.get("/cms/")

        table = Authenticator._meta.db_table
        assert not [q for q in queries.captured_queries if table in q["sql"]]

    def test_instructor_with_totp_is_let_through(
        self, client, settings, make_user, activate_url
    ):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("instructor", totp=True))

        response = client.get("/cms/")

        assert not redirects_to(response, activate_url)

    def test_superuser_counts_as_admin(self, client, settings, make_user, activate_url):
        settings.MFA_REQUIRED_ROLES = ["admin"]
        client.force_login(make_user("student", superuser=True))

        assert redirects_to(client.get("/cms/"), activate_url)

    def test_admin_with_totp_reaches_the_dashboard(self, client, settings, make_user):
        settings.MFA_REQUIRED_ROLES = ["admin"]
        client.force_login(make_user("admin", superuser=True, totp=True))

        assert client.get("/cms/").status_code == 200

    @pytest.mark.parametrize(
        "path", ["/accounts/2fa/", "/accounts/email/", "/health/", "/api/v1/"]
    )
    def test_sign_in_pages_api_and_health_pass_through(
        self, client, settings, make_user, activate_url, path
    ):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("instructor"))

        response = client.get(path)

        assert not redirects_to(response, activate_url)

    def test_public_pages_pass_through(
        self, client, settings, make_user, home_page, activate_url
    ):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        client.force_login(make_user("instructor"))

        response = client.get("/")

        assert response.status_code == 200

    def test_anonymous_visitors_go_to_the_login_page(self, client, settings):
        settings.MFA_REQUIRED_ROLES = ["instructor", "admin"]

        response = client.get("/cms/")

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


class TestMFAEnrollmentNotRequired:
    def test_instructor_is_not_redirected(
        self, client, settings, make_user, activate_url
    ):
        settings.MFA_REQUIRED_ROLES = []
        client.force_login(make_user("instructor"))

        assert not redirects_to(client.get("/cms/"), activate_url)

    def test_admin_reaches_the_dashboard(self, client, settings, make_user):
        settings.MFA_REQUIRED_ROLES = []
        client.force_login(make_user("admin", superuser=True))

        assert client.get("/cms/").status_code == 200

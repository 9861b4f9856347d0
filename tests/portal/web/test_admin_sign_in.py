"""Wagtail's and Django admin's own login pages are gone: a password alone never
opens a session, every sign-in passes allauth's second factor."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
OLD_LOGINS = ["/cms/login/", "/django-admin/login/"]


@pytest.fixture
def admin_with_totp(django_user_model):
    admin = django_user_model.objects.create_superuser("boss@example.org", PASSWORD)
    TOTP.activate(admin, generate_totp_secret())
    return admin


def assert_no_session(client) -> None:
    """Nothing the attacker's cookies hold opens an admin area or the API."""
    cms = client.get("/cms/")
    assert cms.status_code == 302
    assert cms["Location"].startswith("/accounts/login/")
    django_admin = client.get("/django-admin/")
    assert django_admin.status_code == 302
    assert "/login/" in django_admin["Location"]
    assert client.get("/api/v1/users/me").status_code == 401


class TestPasswordOnlyLogins:
    @pytest.mark.parametrize("path", OLD_LOGINS)
    def test_right_password_without_the_code_gets_no_session(
        self, client, admin_with_totp, path
    ):
        response = client.post(
            path,
            {"username": admin_with_totp.email, "password": PASSWORD, "next": "/cms/"},
        )

        assert response.status_code == 405
        assert "sessionid" not in response.cookies
        assert_no_session(client)

    @pytest.mark.parametrize("path", OLD_LOGINS)
    def test_old_login_page_sends_to_the_mfa_aware_sign_in_keeping_next(
        self, client, path
    ):
        response = client.get(path, {"next": "/cms/pages/"})

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=%2Fcms%2Fpages%2F"

    @pytest.mark.parametrize("path", OLD_LOGINS)
    def test_next_pointing_off_site_is_dropped(self, client, path):
        response = client.get(path, {"next": "https://evil.example/"})

        assert response["Location"] == "/accounts/login/"

    def test_django_admin_asks_for_sign_in_through_allauth(self, client):
        first = client.get("/django-admin/")
        assert first["Location"] == "/django-admin/login/?next=/django-admin/"

        second = client.get(first["Location"])
        assert second["Location"] == "/accounts/login/?next=%2Fdjango-admin%2F"

    def test_allauth_sign_in_asks_the_admin_for_the_code(self, client, admin_with_totp):
        response = client.post(
            reverse("account_login"),
            {"login": admin_with_totp.email, "password": PASSWORD},
        )

        assert response["Location"] == reverse("mfa_authenticate")
        assert_no_session(client)


class TestWagtailPasswordReset:
    @pytest.mark.parametrize(
        "path", ["/cms/password_reset/", "/cms/password_reset/done/"]
    )
    def test_wagtail_reset_views_are_off(self, client, path):
        assert client.get(path).status_code == 404

    def test_wagtail_reset_form_sends_no_email(
        self, client, admin_with_totp, mailoutbox
    ):
        client.post("/cms/password_reset/", {"email": admin_with_totp.email})

        assert mailoutbox == []

"""Rate limits on the authentication endpoints (429 RATE_LIMITED with Retry-After)."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.portal.auth_helpers import login
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RATES = {
    "login_ip": "100/hour",
    "login_account": "3/hour",
    "register_ip": "2/hour",
    "password_reset": "2/hour",
    "mfa": "2/hour",
}


def assert_limited(response):
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.THROTTLE_RATES = RATES


class TestLoginThrottles:
    def test_the_account_ceiling_refuses_even_the_right_password(self):
        user = UserFactory()
        for _ in range(3):
            assert (
                login(APIClient(), user, password="wrong-password-xx").status_code
                == 401
            )
        assert_limited(login(APIClient(), user, password="wrong-password-xx"))
        assert_limited(login(APIClient(), user, password=PASSWORD))
        # Another account from the same IP is not affected.
        assert login(APIClient(), UserFactory()).status_code == 200

    def test_the_account_limit_holds_across_ips(self):
        user = UserFactory()
        for i in range(3):
            client = APIClient(REMOTE_ADDR=f"10.0.0.{i + 1}")
            assert login(client, user, password="wrong-password-xx").status_code == 401
        assert_limited(login(APIClient(REMOTE_ADDR="10.0.0.99"), user))

    def test_successful_logins_do_not_count(self):
        user = UserFactory()
        for _ in range(5):
            assert login(APIClient(), user).status_code == 200

    def test_per_ip_limit(self):
        with override_settings(THROTTLE_RATES={**RATES, "login_ip": "2/hour"}):
            client = APIClient(REMOTE_ADDR="10.9.9.9")
            for _ in range(2):
                assert (
                    login(
                        client, UserFactory(), password="wrong-password-xx"
                    ).status_code
                    == 401
                )
            assert_limited(login(client, UserFactory()))
            assert (
                login(APIClient(REMOTE_ADDR="10.9.9.10"), UserFactory()).status_code
                == 200
            )

    def test_email_case_does_not_dodge_the_account_limit(self):
        user = UserFactory(email="case@example.org")
        for email in ("case@example.org", "CASE@example.org", "Case@Example.org"):
            APIClient().post(
                "/api/v1/auth/login",
                {"email": email, "password": "wrong-password-xx"},
                format="json",
            )
        assert_limited(login(APIClient(), user))


class TestOtherThrottles:
    def test_register(self):
        client = APIClient()
        for i in range(2):
            response = client.post(
                "/api/v1/auth/register",
                {"email": f"r{i}@example.org", "password": PASSWORD},
                format="json",
            )
            assert response.status_code == 201
        assert_limited(
            client.post(
                "/api/v1/auth/register",
                {"email": "r9@example.org", "password": PASSWORD},
                format="json",
            )
        )

    def test_forgot_password(self):
        client = APIClient()
        for _ in range(2):
            assert (
                client.post(
                    "/api/v1/auth/forgot-password",
                    {"email": "x@example.org"},
                    format="json",
                ).status_code
                == 200
            )
        assert_limited(
            client.post(
                "/api/v1/auth/forgot-password",
                {"email": "y@example.org"},
                format="json",
            )
        )

    def test_mfa_verify(self):
        client = APIClient()
        for _ in range(2):
            assert (
                client.post(
                    "/api/v1/auth/mfa/verify",
                    {"mfa_token": "x", "code": "1"},
                    format="json",
                ).status_code
                == 401
            )
        assert_limited(
            client.post(
                "/api/v1/auth/mfa/verify",
                {"mfa_token": "x", "code": "1"},
                format="json",
            )
        )

"""TOTP enrolment, the login challenge, recovery codes and mandatory MFA."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import login, signed_in, totp_code
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def enrol(client) -> tuple[str, list[str]]:
    setup = client.post("/api/v1/auth/mfa/totp/setup")
    assert setup.status_code == 200, setup.content
    secret = setup.json()["data"]["secret"]
    assert setup.json()["data"]["otpauth_url"].startswith("otpauth://totp/")
    confirm = client.post(
        "/api/v1/auth/mfa/totp/confirm", {"code": totp_code(secret)}, format="json"
    )
    assert confirm.status_code == 200, confirm.content
    return secret, confirm.json()["data"]["recovery_codes"]


def challenge(user) -> str:
    response = login(APIClient(), user)
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "MFA_REQUIRED"
    assert "token" not in (body["data"] or {})
    return body["data"]["mfa_token"]


def verify(mfa_token: str, code: str):
    return APIClient().post(
        "/api/v1/auth/mfa/verify", {"mfa_token": mfa_token, "code": code}, format="json"
    )


class TestEnrolment:
    def test_enrol_then_login_requires_the_code(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, recovery = enrol(api_client)
        assert len(recovery) >= 8
        assert api_client.get("/api/v1/auth/mfa").json()["data"]["enabled"] is True
        assert AuditLog.objects.filter(action="auth.mfa_enabled", user=user).exists()

        token = challenge(user)
        wrong = verify(token, "000000" if totp_code(secret) != "000000" else "111111")
        assert wrong.status_code == 401
        assert wrong.json()["errors"][0]["code"] == "AUTHENTICATION_FAILED"
        ok = verify(token, totp_code(secret))
        assert ok.status_code == 200
        assert ok.json()["data"]["user"]["id"] == user.pk
        assert ok.json()["data"]["token"]

    def test_mfa_token_is_single_use(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, recovery = enrol(api_client)
        token = challenge(user)
        assert verify(token, totp_code(secret)).status_code == 200
        # A valid second factor, but the token was spent.
        assert verify(token, recovery[0]).status_code == 401
        assert verify(challenge(user), recovery[0]).status_code == 200

    def test_forged_mfa_token(self, api_client):
        assert verify("forged-token", "123456").status_code == 401

    def test_confirm_with_a_wrong_code_does_not_enable(self, api_client):
        signed_in(api_client, UserFactory())
        api_client.post("/api/v1/auth/mfa/totp/setup")
        response = api_client.post(
            "/api/v1/auth/mfa/totp/confirm", {"code": "12"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "code"
        assert api_client.get("/api/v1/auth/mfa").json()["data"]["enabled"] is False

    def test_recovery_codes_work_once(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        _, recovery = enrol(api_client)
        assert verify(challenge(user), recovery[0]).status_code == 200
        assert verify(challenge(user), recovery[0]).status_code == 401
        assert verify(challenge(user), recovery[1]).status_code == 200

    def test_disable_needs_a_fresh_code(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, _ = enrol(api_client)
        bad = api_client.post(
            "/api/v1/auth/mfa/totp/disable", {"code": "nope"}, format="json"
        )
        assert bad.status_code == 400
        ok = api_client.post(
            "/api/v1/auth/mfa/totp/disable", {"code": totp_code(secret)}, format="json"
        )
        assert ok.status_code == 200
        assert login(APIClient(), user).status_code == 200
        assert AuditLog.objects.filter(action="auth.mfa_disabled", user=user).exists()


class TestMandatoryMFA:
    @override_settings(MFA_REQUIRED_ROLES=["instructor"])
    def test_instructor_without_mfa_cannot_write_until_enrolled(self, api_client):
        instructor = UserFactory(role=Role.INSTRUCTOR)
        signed_in(api_client, instructor)
        assert api_client.get("/api/v1/users/me").status_code == 200
        assert api_client.get("/api/v1/auth/mfa").json()["data"]["required"] is True
        blocked = api_client.put("/api/v1/users/me", {"bio": "x"}, format="json")
        assert blocked.status_code == 403
        assert blocked.json()["errors"][0]["code"] == "MFA_ENROLLMENT_REQUIRED"
        enrol(api_client)
        assert (
            api_client.put("/api/v1/users/me", {"bio": "x"}, format="json").status_code
            == 200
        )

    @override_settings(MFA_REQUIRED_ROLES=["instructor"])
    def test_students_are_not_affected(self, api_client):
        signed_in(api_client, UserFactory())
        assert (
            api_client.put("/api/v1/users/me", {"bio": "x"}, format="json").status_code
            == 200
        )

    @override_settings(MFA_REQUIRED_ROLES=[])
    def test_empty_setting_turns_the_requirement_off(self, api_client):
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        assert (
            api_client.put("/api/v1/users/me", {"bio": "x"}, format="json").status_code
            == 200
        )


class TestEveryWriteEndpointEnforcesMFA:
    def test_write_views_keep_the_mfa_permission(self):
        """A view that replaces ``permission_classes`` must keep MFAEnrolled, or be a
        public or explicitly exempt endpoint."""
        from django.urls import get_resolver
        from rest_framework.permissions import AllowAny

        from portal.accounts.permissions import MFAEnrolled

        def walk(patterns):
            for pattern in patterns:
                if hasattr(pattern, "url_patterns"):
                    yield from walk(pattern.url_patterns)
                else:
                    yield pattern.callback

        offenders = []
        for callback in walk(get_resolver().url_patterns):
            view = getattr(callback, "cls", None)
            if view is None or not hasattr(view, "permission_classes"):
                continue
            writes = {"post", "put", "patch", "delete"} & {
                m for m in dir(view) if m in {"post", "put", "patch", "delete"}
            }
            if (
                not writes
                or getattr(view, "mfa_exempt", False)
                or AllowAny in view.permission_classes
            ):
                continue
            if MFAEnrolled not in view.permission_classes:
                offenders.append(view.__name__)
        assert offenders == []


class TestCodeGuessingFromRotatingAddresses:
    """Wrong codes count per account, so changing address does not buy new tries."""

    @staticmethod
    def totp_user():
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        user = UserFactory()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return user, secret

    @staticmethod
    def verify_from(address: str, mfa_token: str, code: str):
        return APIClient(REMOTE_ADDR=address).post(
            "/api/v1/auth/mfa/verify",
            {"mfa_token": mfa_token, "code": code},
            format="json",
        )

    def test_right_code_is_refused_after_the_account_s_wrong_codes(self):
        user, secret = self.totp_user()
        token = challenge(user)
        wrong = "000000" if totp_code(secret) != "000000" else "111111"
        for i in range(10):
            assert self.verify_from(f"203.0.113.{i}", token, wrong).status_code == 401

        refused = self.verify_from("203.0.113.200", token, totp_code(secret))

        assert refused.status_code == 429
        assert refused.json()["errors"][0]["code"] == "RATE_LIMITED"
        # A fresh challenge names the same account: still refused.
        again = self.verify_from("198.51.100.9", challenge(user), totp_code(secret))
        assert again.status_code == 429

    def test_another_account_is_not_affected(self):
        user, secret = self.totp_user()
        token = challenge(user)
        wrong = "000000" if totp_code(secret) != "000000" else "111111"
        for i in range(10):
            self.verify_from(f"203.0.113.{i}", token, wrong)
        other, other_secret = self.totp_user()

        ok = self.verify_from("203.0.113.1", challenge(other), totp_code(other_secret))

        assert ok.status_code == 200

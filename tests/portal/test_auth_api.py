"""Authentication API (API.md), from the user's and the attacker's side."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from portal.accounts.models import Role, User
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import bearer, login, signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"


def claims(token: str) -> dict:
    return jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])


def error_code(response) -> str:
    return response.json()["errors"][0]["code"]


class TestRegister:
    def test_round_trip_with_claims(self, api_client):
        response = api_client.post(
            REGISTER,
            {
                "email": "New.Person@Example.org",
                "password": PASSWORD,
                "first_name": "New",
                "last_name": "Person",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["user"]["email"] == "new.person@example.org"
        assert data["user"]["role"] == "student"
        token = claims(data["token"])
        assert token["user_id"] == data["user"]["id"]
        assert token["email"] == "new.person@example.org"
        assert token["role"] == "student"
        assert "course:enroll" in token["permissions"]
        assert "course:create" not in token["permissions"]
        assert token["exp"] - token["iat"] == 15 * 60
        assert token["jti"]
        refresh = claims(data["refresh"])
        assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600
        me = bearer(api_client, data["token"]).get("/api/v1/users/me")
        assert me.status_code == 200
        assert me.json()["data"]["email"] == "new.person@example.org"

    def test_new_users_are_students_whatever_they_send(self, api_client):
        response = api_client.post(
            REGISTER,
            {"email": "x@example.org", "password": PASSWORD, "role": "admin"},
            format="json",
        )
        assert response.status_code == 201
        assert User.objects.get(email="x@example.org").role == Role.STUDENT

    @pytest.mark.parametrize("password", ["short-1", "password1234", "123456789012345"])
    def test_weak_passwords_are_refused(self, api_client, password):
        response = api_client.post(
            REGISTER, {"email": "w@example.org", "password": password}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "password"
        assert not User.objects.filter(email="w@example.org").exists()

    def test_password_similar_to_email_is_refused(self, api_client):
        response = api_client.post(
            REGISTER,
            {"email": "marathonrunner@example.org", "password": "marathonrunner"},
            format="json",
        )
        assert response.status_code == 400

    def test_duplicate_email_case_insensitive(self, api_client):
        UserFactory(email="taken@example.org")
        response = api_client.post(
            REGISTER,
            {"email": "TAKEN@example.org", "password": PASSWORD},
            format="json",
        )
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["field"] == "email"
        assert User.objects.filter(email__iexact="taken@example.org").count() == 1

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"email": "not-an-email", "password": PASSWORD},
            {"email": ["a@example.org"], "password": PASSWORD},
            {"email": "a@example.org", "password": PASSWORD, "first_name": "x" * 151},
            {"email": "a" * 250 + "@example.org", "password": PASSWORD},
        ],
    )
    def test_bad_input_is_400_with_fields(self, api_client, body):
        response = api_client.post(REGISTER, body, format="json")
        assert response.status_code == 400
        assert all(
            e["code"] == "VALIDATION_ERROR" and e.get("field")
            for e in response.json()["errors"]
        )

    def test_registration_is_audited(self, api_client):
        api_client.post(
            REGISTER, {"email": "aud@example.org", "password": PASSWORD}, format="json"
        )
        assert AuditLog.objects.filter(
            action="auth.registered", actor_email="aud@example.org"
        ).exists()


class TestLogin:
    def test_login_returns_tokens_and_user(self, api_client):
        user = UserFactory(role=Role.INSTRUCTOR)
        response = login(api_client, user)
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["user"]["id"] == user.pk
        assert claims(data["token"])["role"] == "instructor"
        assert "course:create" in claims(data["token"])["permissions"]
        assert AuditLog.objects.filter(
            action="auth.login_succeeded", user=user
        ).exists()

    def test_email_is_case_insensitive(self, api_client):
        user = UserFactory(email="case@example.org")
        response = api_client.post(
            "/api/v1/auth/login",
            {"email": "CASE@Example.org", "password": PASSWORD},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["data"]["user"]["id"] == user.pk

    def test_wrong_password_and_unknown_email_look_the_same(self, api_client):
        user = UserFactory()
        wrong = login(api_client, user, password="not-the-password-at-all")
        unknown = api_client.post(
            "/api/v1/auth/login",
            {"email": "nobody@example.org", "password": PASSWORD},
            format="json",
        )
        assert wrong.status_code == unknown.status_code == 401
        assert error_code(wrong) == error_code(unknown) == "AUTHENTICATION_FAILED"
        assert (
            wrong.json()["errors"][0]["message"]
            == unknown.json()["errors"][0]["message"]
        )
        assert AuditLog.objects.filter(action="auth.login_failed").count() == 2

    def test_inactive_user_cannot_log_in(self, api_client):
        user = UserFactory(is_active=False)
        assert login(api_client, user).status_code == 401

    def test_admin_claims(self, api_client):
        admin = UserFactory(role=Role.ADMIN)
        token = claims(login(api_client, admin).json()["data"]["token"])
        assert token["permissions"] == ["*"]


class TestRefreshAndLogout:
    def test_refresh_rotates_and_old_token_is_rejected(self, api_client):
        data = signed_in(api_client, UserFactory())
        first = api_client.post(
            "/api/v1/auth/refresh", {"refresh": data["refresh"]}, format="json"
        )
        assert first.status_code == 200
        new = first.json()["data"]
        assert new["refresh"] != data["refresh"]
        assert claims(new["token"])["user_id"] == claims(data["token"])["user_id"]
        again = api_client.post(
            "/api/v1/auth/refresh", {"refresh": data["refresh"]}, format="json"
        )
        assert again.status_code == 401
        assert error_code(again) == "AUTHENTICATION_FAILED"
        # A reuse also ends the newest token: tests/portal/test_token_families.py.

    def test_access_token_is_not_a_refresh_token(self, api_client):
        data = signed_in(api_client, UserFactory())
        response = api_client.post(
            "/api/v1/auth/refresh", {"refresh": data["token"]}, format="json"
        )
        assert response.status_code == 401

    def test_logout_ends_both_tokens_at_once(self, api_client):
        data = signed_in(api_client, UserFactory())
        response = api_client.post(
            "/api/v1/auth/logout", {"refresh": data["refresh"]}, format="json"
        )
        assert response.status_code == 200
        assert api_client.get("/api/v1/users/me").status_code == 401
        fresh = APIClient()
        assert (
            fresh.post(
                "/api/v1/auth/refresh", {"refresh": data["refresh"]}, format="json"
            ).status_code
            == 401
        )

    def test_logout_with_another_users_refresh_token_is_refused(self, api_client):
        other = signed_in(APIClient(), UserFactory())
        signed_in(api_client, UserFactory())
        response = api_client.post(
            "/api/v1/auth/logout", {"refresh": other["refresh"]}, format="json"
        )
        assert response.status_code == 400
        assert (
            APIClient()
            .post("/api/v1/auth/refresh", {"refresh": other["refresh"]}, format="json")
            .status_code
            == 200
        )

    def test_logout_needs_authentication(self, api_client):
        response = api_client.post(
            "/api/v1/auth/logout", {"refresh": "x"}, format="json"
        )
        assert response.status_code == 401
        assert error_code(response) == "NOT_AUTHENTICATED"


class TestBadTokens:
    def _get_me(self, token: str):
        return bearer(APIClient(), token).get("/api/v1/users/me")

    def test_tampered_signature(self, api_client):
        token = signed_in(api_client, UserFactory())["token"]
        header, payload, signature = token.split(".")
        forged = base64.urlsafe_b64decode(payload + "==")
        forged = json.loads(forged)
        forged["role"] = "admin"
        forged_payload = (
            base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
        )
        response = self._get_me(f"{header}.{forged_payload}.{signature}")
        assert response.status_code == 401
        assert error_code(response) == "AUTHENTICATION_FAILED"

    def test_expired_token(self):
        user = UserFactory()
        token = AccessToken.for_user(user)
        token.set_exp(lifetime=-timedelta(seconds=1))
        assert self._get_me(str(token)).status_code == 401

    def test_alg_none_token(self, api_client):
        user = UserFactory()
        payload = claims(signed_in(api_client, user)["token"])
        unsigned = jwt.encode(payload, key=None, algorithm="none")
        assert self._get_me(unsigned).status_code == 401

    def test_token_signed_with_another_key(self, api_client):
        payload = claims(signed_in(api_client, UserFactory())["token"])
        assert (
            self._get_me(
                jwt.encode(
                    payload, "not-our-secret-key-at-all-0000000", algorithm="HS256"
                )
            ).status_code
            == 401
        )

    @pytest.mark.parametrize(
        "header", ["Bearer", "Bearer a b", "Bearer ....", "Basic abc"]
    )
    def test_garbage_headers_never_500(self, header):
        response = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/users/me")
        assert response.status_code == 401

    def test_deactivated_users_tokens_stop_working(self, api_client):
        user = UserFactory()
        token = signed_in(api_client, user)["token"]
        user.is_active = False
        user.save()
        assert self._get_me(token).status_code == 401

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from portal.audit.models import AuditLog
from tests.portal.auth_helpers import login, signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

NEW_PASSWORD = "another-Long-passphrase-77"


def request_reset(email: str):
    return APIClient().post(
        "/api/v1/auth/forgot-password", {"email": email}, format="json"
    )


def reset(token: str, password: str = NEW_PASSWORD):
    return APIClient().post(
        "/api/v1/auth/reset-password",
        {"token": token, "password": password},
        format="json",
    )


def emailed_token(django_capture_on_commit_callbacks, email: str) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        assert request_reset(email).status_code == 200
    message = mail.outbox[-1]
    assert message.to == [email]
    return re.search(r"reset/key/([^/\s]+)/", message.body).group(1)


class TestForgotPassword:
    def test_same_answer_for_known_and_unknown_emails(
        self, django_capture_on_commit_callbacks
    ):
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            known = request_reset(user.email)
            unknown = request_reset("nobody@example.org")
        assert known.status_code == unknown.status_code == 200
        assert known.json()["data"] == unknown.json()["data"]
        assert len(mail.outbox) == 1

    def test_reset_round_trip_ends_sessions(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        client = APIClient()
        old = signed_in(client, user)
        token = emailed_token(django_capture_on_commit_callbacks, user.email)
        assert token in mail.outbox[-1].body
        response = reset(token)
        assert response.status_code == 200
        assert client.get("/api/v1/users/me").status_code == 401
        assert (
            APIClient()
            .post("/api/v1/auth/refresh", {"refresh": old["refresh"]}, format="json")
            .status_code
            == 401
        )
        assert login(APIClient(), user).status_code == 401
        assert login(APIClient(), user, password=NEW_PASSWORD).status_code == 200
        assert AuditLog.objects.filter(action="auth.password_reset", user=user).exists()

    def test_token_is_single_use(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        token = emailed_token(django_capture_on_commit_callbacks, user.email)
        assert reset(token).status_code == 200
        again = reset(token, password="yet-another-Passphrase-88")
        assert again.status_code == 400
        assert again.json()["errors"][0]["field"] == "token"

    @pytest.mark.parametrize("token", ["", "garbage", "zz-zz", "1-abc", "-", "9" * 300])
    def test_bad_tokens(self, token):
        response = reset(token)
        assert response.status_code == 400

    def test_weak_new_password(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        token = emailed_token(django_capture_on_commit_callbacks, user.email)
        response = reset(token, password="short")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "password"
        assert login(APIClient(), user, password=PASSWORD).status_code == 200

    def test_web_link_uses_the_same_key(
        self, client, django_capture_on_commit_callbacks
    ):
        user = UserFactory()
        token = emailed_token(django_capture_on_commit_callbacks, user.email)
        response = client.get(f"/accounts/password/reset/key/{token}/", follow=True)
        assert response.status_code == 200
        assert b"password" in response.content.lower()

"""Throttle, backoff and denylist state lives in the ``state`` cache, whose Redis
never evicts, not in the default cache that catalog answers can fill (issue 13,
finding 8)."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from portal.accounts import tokens
from tests.portal.auth_helpers import bearer, login, signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def only_in_state(key: str) -> bool:
    return caches["state"].get(key) is not None and caches["default"].get(key) is None


class TestStateCache:
    def test_login_throttle_and_backoff_counters(self):
        user = UserFactory()
        login(APIClient(REMOTE_ADDR="203.0.113.9"), user, password="wrong-password-xx")
        assert only_in_state("throttle_login_ip_203.0.113.9")
        assert only_in_state(f"throttle_login_account_{user.email}")
        assert only_in_state(f"login-backoff:{user.email}")

    def test_token_and_family_denylists(self):
        user = UserFactory()
        client = APIClient()
        data = signed_in(client, user)
        access = AccessToken(data["token"])
        response = bearer(client, data["token"]).post(
            "/api/v1/auth/logout", {"refresh": data["refresh"]}, format="json"
        )
        assert response.status_code == 200
        assert only_in_state(f"{tokens.FAMILY_DENYLIST_PREFIX}{access['fam']}")

    def test_a_revocation_survives_the_default_cache_being_emptied(self):
        user = UserFactory()
        client = APIClient()
        data = signed_in(client, user)
        bearer(client, data["token"]).post(
            "/api/v1/auth/logout", {"refresh": data["refresh"]}, format="json"
        )
        caches["default"].delete_many(
            [f"{tokens.FAMILY_DENYLIST_PREFIX}{AccessToken(data['token'])['fam']}"]
        )
        assert (
            bearer(APIClient(), data["token"]).get("/api/v1/users/me").status_code
            == 401
        )

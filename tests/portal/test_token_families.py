"""One sign-in is one token family (``fam``): a reused refresh token ends the whole
family, logout ends every token of its session, and other sessions go on."""

import pytest
from rest_framework.test import APIClient

from portal.audit.models import AuditLog
from tests.portal.auth_helpers import bearer, signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def refresh(token: str):
    return APIClient().post("/api/v1/auth/refresh", {"refresh": token}, format="json")


def me(access: str) -> int:
    return bearer(APIClient(), access).get(ME).status_code


def rotate(token: str) -> dict:
    response = refresh(token)
    assert response.status_code == 200, response.content
    return response.json()["data"]


class TestRefreshTokenReuse:
    def test_a_stolen_rotated_token_ends_the_whole_session(self):
        user = UserFactory()
        login = signed_in(APIClient(), user)
        stolen = login["refresh"]
        second = rotate(stolen)
        newest = rotate(second["refresh"])

        # The thief replays the token the victim already rotated.
        replay = refresh(stolen)

        assert replay.status_code == 401
        assert refresh(newest["refresh"]).status_code == 401
        assert me(newest["token"]) == 401
        assert me(login["token"]) == 401
        assert AuditLog.objects.filter(action="auth.refresh_reused", user=user).exists()

    def test_the_thief_cannot_use_the_newest_token_after_replaying(self):
        login = signed_in(APIClient(), UserFactory())
        newest = rotate(login["refresh"])

        assert refresh(login["refresh"]).status_code == 401
        assert refresh(newest["refresh"]).status_code == 401

    def test_the_user_s_other_sessions_go_on(self):
        user = UserFactory()
        phone = signed_in(APIClient(), user)
        laptop = signed_in(APIClient(), user)
        rotate(phone["refresh"])

        assert refresh(phone["refresh"]).status_code == 401

        assert me(laptop["token"]) == 200
        assert refresh(laptop["refresh"]).status_code == 200

    def test_the_family_stays_dead_when_the_cache_is_emptied(self):
        from django.core.cache import cache

        login = signed_in(APIClient(), UserFactory())
        newest = rotate(login["refresh"])
        assert refresh(login["refresh"]).status_code == 401

        cache.clear()

        assert refresh(newest["refresh"]).status_code == 401


class TestLogoutEndsTheSession:
    def test_an_access_token_issued_earlier_in_the_session_is_refused(self):
        user = UserFactory()
        login = signed_in(APIClient(), user)
        current = rotate(login["refresh"])

        client = bearer(APIClient(), current["token"])
        response = client.post(
            "/api/v1/auth/logout", {"refresh": current["refresh"]}, format="json"
        )

        assert response.status_code == 200
        assert me(login["token"]) == 401
        assert me(current["token"]) == 401

    def test_another_session_of_the_same_user_is_unaffected(self):
        user = UserFactory()
        phone = signed_in(APIClient(), user)
        laptop = signed_in(APIClient(), user)

        bearer(APIClient(), phone["token"]).post(
            "/api/v1/auth/logout", {"refresh": phone["refresh"]}, format="json"
        )

        assert me(laptop["token"]) == 200
        assert refresh(laptop["refresh"]).status_code == 200

    def test_logging_out_with_an_older_refresh_token_ends_the_newest_too(self):
        login = signed_in(APIClient(), UserFactory())
        newest = rotate(login["refresh"])

        bearer(APIClient(), login["token"]).post(
            "/api/v1/auth/logout", {"refresh": login["refresh"]}, format="json"
        )

        assert refresh(newest["refresh"]).status_code == 401
        assert me(newest["token"]) == 401

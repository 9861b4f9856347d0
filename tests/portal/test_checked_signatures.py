"""An access token's signature is checked once per process and remembered
(``portal.accounts.tokens.checked_signatures``); what must be checked on every
request still is: the expiry, any change to the token, and revocation."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts import tokens
from tests.portal.auth_helpers import bearer, login, signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def status_with(token: str) -> int:
    return bearer(APIClient(), token).get(ME).status_code


@pytest.fixture
def token(db):
    return signed_in(APIClient(), UserFactory())["token"]


def test_a_token_is_verified_once_then_remembered(token):
    assert status_with(token) == 200
    assert token.encode() in tokens.checked_signatures.payloads
    assert status_with(token) == 200


def test_a_changed_token_is_refused_though_the_original_is_remembered(token):
    assert status_with(token) == 200
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert status_with(f"{header}.{payload}.{flipped}") == 401
    # The same payload signed with another key (or none) is refused too.
    assert status_with(f"{header}.{payload}.") == 401
    assert status_with(token) == 200


def test_a_remembered_token_still_expires():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        token = signed_in(APIClient(), UserFactory())["token"]
        never_used = signed_in(APIClient(), UserFactory())["token"]
        assert status_with(token) == 200
        traveller.shift(timedelta(minutes=16))  # the access lifetime is 15 minutes
        response = bearer(APIClient(), token).get(ME)
        assert response.status_code == 401
        assert token.encode() not in tokens.checked_signatures.payloads
        # Refused exactly as a token this process never checked.
        fresh = bearer(APIClient(), never_used).get(ME)
        assert response.json() == fresh.json()


def test_a_remembered_token_is_refused_after_logout():
    client = APIClient()
    data = signed_in(client, UserFactory())
    assert status_with(data["token"]) == 200
    logout = client.post(
        "/api/v1/auth/logout", {"refresh": data["refresh"]}, format="json"
    )
    assert logout.status_code in (200, 204), logout.content
    assert status_with(data["token"]) == 401


def test_at_most_max_tokens_are_kept_the_oldest_forgotten_first(monkeypatch):
    monkeypatch.setattr(tokens._CheckedSignatures, "MAX_TOKENS", 3)
    users = UserFactory.create_batch(5)
    issued = [login(APIClient(), user).json()["data"]["token"] for user in users]
    for token in issued:
        assert status_with(token) == 200
    kept = tokens.checked_signatures.payloads
    assert list(kept) == [token.encode() for token in issued[-3:]]
    # A forgotten token is simply verified again.
    assert status_with(issued[0]) == 200
    assert list(kept)[-1] == issued[0].encode()
    assert all(payload["exp"] > time.time() for payload in kept.values())

"""Malformed bodies from the attacker's side (issue 13, finding 9): JSON that Python
parses but the portal cannot hold is a 400 ``VALIDATION_ERROR``, never a 500."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.api.parsers import MAX_DEPTH, SafeJSONParser
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_JSON_ENDPOINTS = [
    "/api/v1/auth/login",
    "/api/v1/auth/register",
    "/api/v1/auth/refresh",
    "/api/v1/auth/forgot-password",
    "/api/v1/auth/reset-password",
    "/api/v1/auth/mfa/verify",
]
LONE_SURROGATES = ["\ud800", "\udfff", "x\udc00y"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_raw(client, path: str, body: str, method: str = "post"):
    return getattr(client, method)(path, body, content_type="application/json")


def validation_error(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["data"] is None
    [error] = body["errors"]
    assert error["code"] == "VALIDATION_ERROR"
    return error


class TestDeeplyNestedJSON:
    @pytest.mark.parametrize("path", ANONYMOUS_JSON_ENDPOINTS)
    def test_five_thousand_levels_anonymously(self, path):
        body = '{"email": ' + nested(5000) + "}"
        error = validation_error(post_raw(APIClient(), path, body))
        assert "nest" in error["message"]

    def test_five_thousand_levels_signed_in(self):
        client = APIClient()
        signed_in(client, UserFactory())
        body = '{"first_name": ' + nested(5000) + "}"
        validation_error(post_raw(client, "/api/v1/users/me", body, method="put"))

    def test_past_the_limit_but_within_pythons_reach(self):
        # Python parses this fine; the code behind the view need not cope with it.
        body = '{"email": ' + nested(MAX_DEPTH + 1) + "}"
        error = validation_error(post_raw(APIClient(), "/api/v1/auth/login", body))
        assert str(MAX_DEPTH) in error["message"]

    def test_at_the_limit_reaches_the_view(self):
        body = '{"email": ' + nested(MAX_DEPTH - 1) + ', "password": "x"}'
        response = post_raw(APIClient(), "/api/v1/auth/login", body)
        error = validation_error(response)
        assert error["field"] == "email"  # the serializer's answer, not the parser's


class TestLoneSurrogates:
    """``"\\ud800"`` is valid JSON and a valid Python ``str``, but no UTF-8 (so no
    PostgreSQL, Redis or log line) can hold it."""

    @pytest.mark.parametrize("bad", LONE_SURROGATES)
    def test_login_email(self, bad):
        user = UserFactory()
        body = json.dumps({"email": user.email + bad, "password": PASSWORD})
        error = validation_error(post_raw(APIClient(), "/api/v1/auth/login", body))
        assert error["field"] == "email"
        assert "surrogate" in error["message"]

    @pytest.mark.parametrize("field", ["email", "first_name", "last_name", "password"])
    def test_registration_fields(self, field):
        data = {
            "email": "new.person@example.org",
            "password": PASSWORD,
            "first_name": "New",
            "last_name": "Person",
        }
        data[field] += "\ud800"
        body = json.dumps(data)
        validation_error(post_raw(APIClient(), "/api/v1/auth/register", body))
        assert not User.objects.filter(email__startswith="new.person").exists()

    def test_profile_update(self):
        user = UserFactory(first_name="Ada")
        client = APIClient()
        signed_in(client, user)
        body = json.dumps({"first_name": "Ada\ud800"})
        validation_error(post_raw(client, "/api/v1/users/me", body, method="put"))
        user.refresh_from_db()
        assert user.first_name == "Ada"

    def test_escaped_surrogate_pair_is_one_character_and_passes(self):
        user = UserFactory(first_name="Ada")
        client = APIClient()
        signed_in(client, user)
        body = json.dumps({"first_name": "Ada \U0001f6e1"})  # sent as \ud83d\udee1
        assert "\\ud83d\\udee1" in body
        response = post_raw(client, "/api/v1/users/me", body, method="put")
        assert response.status_code == 200, response.content
        user.refresh_from_db()
        assert user.first_name == "Ada \U0001f6e1"


def _api_views(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, route)
        elif isinstance(pattern, URLPattern) and "api/" in route:
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None:
                yield route, view_class


class TestEveryJSONEndpoint:
    def test_every_api_view_reads_json_with_the_safe_parser(self):
        views = list(_api_views(get_resolver()))
        assert len(views) > 50
        unsafe = [
            route
            for route, view_class in views
            for parser in view_class.parser_classes
            if issubclass(parser, JSONParser) and not issubclass(parser, SafeJSONParser)
        ]
        assert unsafe == []

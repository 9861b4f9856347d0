"""The envelope and error codes of API.md, driven through real views."""

import pytest
from django.test import Client

from portal.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.api_test_urls")]

BASE = "/api/v1/_test"


def assert_envelope(body: dict, *, status: str) -> None:
    assert set(body) == {"status", "data", "meta", "errors"}
    assert body["status"] == status
    assert body["meta"]["version"] == "v1"
    assert body["meta"]["timestamp"].endswith("Z")


def assert_error(response, status_code: int, code: str) -> dict:
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert_envelope(body, status="error")
    assert body["data"] is None
    assert body["errors"], body
    assert body["errors"][0]["code"] == code
    return body


class TestSuccess:
    def test_success_is_wrapped(self, api_client):
        response = api_client.post(
            f"{BASE}/echo", {"name": "Ada", "count": 3}, format="json"
        )
        assert response.status_code == 201
        body = response.json()
        assert_envelope(body, status="success")
        assert body["data"] == {"name": "Ada", "count": 3}
        assert body["errors"] == []
        assert "pagination" not in body["meta"]

    def test_trailing_slash_works_without_redirect(self, api_client):
        response = api_client.post(
            f"{BASE}/echo/", {"name": "Ada", "count": 1}, format="json"
        )
        assert response.status_code == 201

    def test_odd_accept_header_still_gets_json(self, api_client):
        response = api_client.post(
            f"{BASE}/echo",
            {"name": "A", "count": 1},
            format="json",
            HTTP_ACCEPT="text/html",
        )
        assert response.status_code == 201
        assert response.json()["status"] == "success"


class TestValidationErrors:
    def test_one_error_per_invalid_field(self, api_client):
        response = api_client.post(
            f"{BASE}/echo",
            {"name": "x" * 11, "count": -1, "level": "guru"},
            format="json",
        )
        body = assert_error(response, 400, "VALIDATION_ERROR")
        fields = {e["field"] for e in body["errors"]}
        assert fields == {"name", "count", "level"}
        assert all(
            e["code"] == "VALIDATION_ERROR" and e["message"] for e in body["errors"]
        )

    def test_missing_fields_are_named(self, api_client):
        body = assert_error(
            api_client.post(f"{BASE}/echo", {}, format="json"), 400, "VALIDATION_ERROR"
        )
        assert {e["field"] for e in body["errors"]} == {"name", "count"}

    def test_wrong_types(self, api_client):
        response = api_client.post(
            f"{BASE}/echo", {"name": ["a"], "count": "many"}, format="json"
        )
        body = assert_error(response, 400, "VALIDATION_ERROR")
        assert {e["field"] for e in body["errors"]} == {"name", "count"}

    def test_malformed_json(self):
        response = Client().post(
            f"{BASE}/echo", data='{"name": "a",', content_type="application/json"
        )
        body = assert_error(response, 400, "VALIDATION_ERROR")
        assert "Malformed" in body["errors"][0]["message"]

    def test_json_that_is_not_an_object(self):
        response = Client().post(
            f"{BASE}/echo", data="[1, 2]", content_type="application/json"
        )
        assert_error(response, 400, "VALIDATION_ERROR")

    def test_unsupported_media_type(self):
        response = Client().post(
            f"{BASE}/echo", data="name=a", content_type="text/plain"
        )
        assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


class TestErrorClasses:
    def test_401_not_authenticated(self, api_client):
        response = api_client.get(f"{BASE}/private")
        assert_error(response, 401, "NOT_AUTHENTICATED")
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_401_bad_token(self, api_client):
        api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        assert_error(api_client.get(f"{BASE}/private"), 401, "AUTHENTICATION_FAILED")

    def test_403_from_django_permission_denied(self, api_client):
        body = assert_error(
            api_client.get(f"{BASE}/forbidden"), 403, "PERMISSION_DENIED"
        )
        assert "secret reason" not in str(body)

    def test_404_from_http404(self, api_client):
        assert_error(api_client.get(f"{BASE}/missing"), 404, "NOT_FOUND")

    def test_405(self, api_client):
        assert_error(api_client.delete(f"{BASE}/echo"), 405, "METHOD_NOT_ALLOWED")

    def test_domain_error_keeps_its_code(self, api_client):
        body = assert_error(api_client.post(f"{BASE}/conflict"), 409, "COURSE_FULL")
        assert body["errors"][0]["message"] == "The course is full."

    def test_500_without_internals(self, api_client):
        response = api_client.get(f"{BASE}/boom")
        body = assert_error(response, 500, "SERVER_ERROR")
        text = response.content.decode()
        for leak in ("Traceback", "SELECT", "RuntimeError", "secrets", "settings"):
            assert leak not in text
        assert body["errors"][0]["message"] == "An unexpected error occurred."

    def test_500_outside_drf_is_enveloped_for_api_paths(self):
        client = Client(raise_request_exception=False)
        response = client.get(f"{BASE}/plain-boom")
        assert_error(response, 500, "SERVER_ERROR")
        assert "internal detail" not in response.content.decode()


class TestUnknownPaths:
    @pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
    def test_unknown_api_path_is_enveloped_404(self, api_client, method):
        response = getattr(api_client, method)("/api/v1/no/such/thing")
        assert_error(response, 404, "NOT_FOUND")

    def test_unknown_version(self, api_client):
        assert_error(api_client.get("/api/v2/courses"), 404, "NOT_FOUND")

    def test_non_api_404_is_html(self):
        response = Client().get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


class TestPagination:
    @pytest.fixture
    def users(self):
        return [
            User.objects.create_user(f"user{i}@example.org", "x") for i in range(25)
        ]

    def test_default_page(self, api_client, users):
        body = api_client.get(f"{BASE}/users").json()
        assert body["meta"]["pagination"] == {
            "page": 1,
            "per_page": 20,
            "total": 25,
            "pages": 2,
        }
        assert len(body["data"]) == 20
        assert body["data"][0]["email"] == "user0@example.org"

    def test_second_page(self, api_client, users):
        body = api_client.get(f"{BASE}/users?page=2&per_page=20").json()
        assert [u["email"] for u in body["data"]] == [
            f"user{i}@example.org" for i in range(20, 25)
        ]

    def test_out_of_range_page_is_empty(self, api_client, users):
        response = api_client.get(f"{BASE}/users?page=99")
        assert response.status_code == 200
        body = response.json()
        assert body["data"] == []
        assert body["meta"]["pagination"]["total"] == 25

    def test_per_page_is_capped_at_100(self, api_client, users):
        body = api_client.get(f"{BASE}/users?per_page=1000").json()
        assert body["meta"]["pagination"]["per_page"] == 100
        assert len(body["data"]) == 25

    @pytest.mark.parametrize(
        ("param", "value"), [("page", "0"), ("page", "x"), ("per_page", "-5")]
    )
    def test_invalid_values_are_400(self, api_client, users, param, value):
        body = assert_error(
            api_client.get(f"{BASE}/users?{param}={value}"), 400, "VALIDATION_ERROR"
        )
        assert body["errors"][0]["field"] == param

    def test_empty_list(self, api_client):
        body = api_client.get(f"{BASE}/users").json()
        assert body["data"] == []
        assert body["meta"]["pagination"] == {
            "page": 1,
            "per_page": 20,
            "total": 0,
            "pages": 0,
        }

    def test_query_count_does_not_grow_with_rows(
        self, api_client, users, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(2):
            api_client.get(f"{BASE}/users?per_page=100")

"""Request bodies are limited per endpoint before anything reads them
(portal/request_limits.py): small for JSON and forms, large only where files are
uploaded (issue 13, finding 12)."""

import json

import pytest

from portal.request_limits import MB, body_limit

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A body that fails the test if anyone reads it: the refusal must come from
    the headers alone."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, path: str, length: int, **extra):
    return client.generic(
        "POST",
        path,
        b"x",
        content_type="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody(), **extra},
    )


def error_of(response) -> dict:
    body = response.json()
    assert body["status"] == "error"
    return body["errors"][0]


class TestAnAttackersLargeBody:
    def test_anonymous_30_mb_to_sign_in_is_refused_unread(self, client):
        response = post_declaring(client, "/api/v1/auth/login", 30 * MB)
        assert response.status_code == 413
        assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"

    def test_a_real_30_mb_multipart_sign_in_is_refused(self, client):
        response = client.post(
            "/api/v1/auth/login",
            {"email": "a@example.org", "password": "x", "junk": "x" * (30 * MB)},
        )
        assert response.status_code == 413
        assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"

    def test_json_over_one_megabyte_is_refused(self, client):
        body = json.dumps({"email": "a@example.org", "password": "x" * MB})
        response = client.post(
            "/api/v1/auth/login", body, content_type="application/json"
        )
        assert response.status_code == 413

    def test_json_within_the_limit_reaches_the_view(self, client):
        body = json.dumps({"email": "a@example.org", "password": "x" * 1000})
        response = client.post(
            "/api/v1/auth/login", body, content_type="application/json"
        )
        assert response.status_code in (400, 401)

    def test_a_chunked_body_without_length_is_refused(self, client):
        response = client.generic(
            "POST",
            "/api/v1/auth/login",
            b"x",
            content_type="application/json",
            CONTENT_LENGTH="",
            HTTP_TRANSFER_ENCODING="chunked",
            **{"wsgi.input": UnreadableBody()},
        )
        assert response.status_code == 411
        assert error_of(response)["code"] == "LENGTH_REQUIRED"

    def test_a_malformed_length_is_a_validation_error(self, client):
        response = client.generic(
            "POST",
            "/api/v1/auth/login",
            b"x",
            content_type="application/json",
            CONTENT_LENGTH="-5",
            **{"wsgi.input": UnreadableBody()},
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "VALIDATION_ERROR"

    def test_pages_outside_the_api_answer_plain_413(self, client):
        response = post_declaring(client, "/accounts/login/", 30 * MB)
        assert response.status_code == 413
        assert response["Content-Type"].startswith("text/plain")

    def test_an_upload_endpoint_refuses_over_its_own_limit(self, client, settings):
        settings.VIDEO_MAX_UPLOAD_MB = 1
        response = post_declaring(client, "/api/v1/videos", 3 * MB)
        assert response.status_code == 413
        assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"

    def test_a_file_path_under_another_endpoint_gets_no_allowance(self, client):
        # Only the upload endpoints themselves; a look-alike path stays small.
        for path in ("/api/v1/videos/1", "/api/v1/videos-x", "/api/v1/courses"):
            assert post_declaring(client, path, 2 * MB).status_code == 413


class TestLimitsPerEndpoint:
    def test_json_and_forms_get_the_small_limit(self, settings):
        for path in ("/api/v1/auth/login", "/api/v1/courses/3/modules", "/cms/pages/"):
            assert body_limit(path) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MB

    def test_upload_endpoints_add_their_file_limit(self, settings):
        small = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        video = settings.VIDEO_MAX_UPLOAD_MB * MB
        assert body_limit("/api/v1/videos") == small + video
        assert body_limit("/api/v1/videos/") == small + video
        assert body_limit("/cms/videos/add/") == small + video
        assert body_limit("/api/v1/videos/7/captions") == small + MB
        assert body_limit("/api/v1/videos/7/captions/en-GB/") == small + MB
        assert (
            body_limit("/cms/documents/multiple/add/")
            == small + settings.DOCUMENT_MAX_UPLOAD_MB * MB
        )
        assert (
            body_limit("/cms/images/multiple/add/")
            == small + settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        )

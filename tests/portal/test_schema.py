"""The OpenAPI document: valid, API paths only, and describing the envelope."""

import re

import pytest
import yaml
from django.core.management import call_command

from portal.accounts.models import Role
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.portal.openapi import (
    is_valid,
    openapi_document,
    path_parameter,
    request_property,
)

pytestmark = pytest.mark.django_db


class TestSchema:
    def test_served_as_json_and_yaml_with_or_without_slash(self, client):
        response = client.get("/api/v1/schema?format=json")
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")
        response = client.get("/api/v1/schema/")
        assert response.status_code == 200
        assert yaml.safe_load(response.content)["info"]["version"].startswith("v1")

    def test_swagger_ui_is_self_hosted(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr" not in html

    def test_schema_is_valid(self, tmp_path):
        target = tmp_path / "schema.yaml"
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(target)
        )
        assert target.stat().st_size > 0

    @pytest.mark.urls("tests.portal.api_test_urls")
    def test_paths_and_envelope(self, client):
        schema = client.get("/api/v1/schema/?format=json").json()
        assert schema["paths"]
        assert all(path.startswith("/api/") for path in schema["paths"])
        assert not any("docs" in p or "schema" in p for p in schema["paths"])
        assert "ErrorEnvelope" in schema["components"]["schemas"]

        echo = schema["paths"]["/api/v1/_test/echo"]["post"]["responses"]
        body = echo["201"]["content"]["application/json"]["schema"]
        assert set(body["required"]) == {"status", "data", "meta", "errors"}
        for code in ("400", "401", "403", "404", "429", "500", "default"):
            assert echo[code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorEnvelope"
            }

        listing = schema["paths"]["/api/v1/_test/users"]["get"]
        ref = listing["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        paginated = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert "pagination" in paginated["properties"]["meta"]["required"]
        assert {p["name"] for p in listing["parameters"]} >= {"page", "per_page"}


class TestUnknownPaths:
    """The API's catch-all 404 (found by Schemathesis: ST205 Allow header)."""

    @pytest.mark.parametrize("method", ["options", "get", "post", "delete"])
    def test_no_endpoint_advertises_no_methods(self, client, method):
        response = getattr(client, method)("/api/v1/videos/0/hls/0")
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NOT_FOUND"
        assert "Allow" not in response.headers

    def test_real_endpoints_still_advertise_their_methods(self, client):
        response = client.options("/api/v1/courses")
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


class TestPathParameters:
    """Documented path parameters promise only paths that route to a view."""

    def test_ids_are_positive_integers_everywhere(self):
        for path, item in openapi_document()["paths"].items():
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    name = parameter["name"]
                    if parameter["in"] != "path" or not name.endswith("_id"):
                        continue
                    if name == "user_id":  # "me" or an id
                        continue
                    if name == "role_id":  # a NICE work role id, PD-WRL-003
                        assert parameter["schema"]["pattern"].startswith("^")
                        continue
                    schema = parameter["schema"]
                    assert schema["type"] == "integer", (path, name)
                    assert schema["minimum"] == 1, (path, name)
                    assert len(str(schema["maximum"])) == 18, (path, name)

    def test_user_id_pattern_anchors_both_alternatives(self):
        pattern = path_parameter("/api/v1/users/{user_id}", "get", "user_id")["schema"][
            "pattern"
        ]
        assert re.search(pattern, "me")
        assert re.search(pattern, "42")
        assert not re.search(pattern, "me/../x")
        assert not re.search(pattern, "x42")

    def test_hls_file_name_pattern_matches_the_route(self, api_client):
        path = "/api/v1/videos/{video_id}/hls/{name}"
        pattern = path_parameter(path, "get", "name")["schema"]["pattern"]
        for name in ("master.m3u8", "720p/index.m3u8", "captions/pt-BR.vtt"):
            assert re.search(pattern, name)
        for name in ("0", "../secret", "master.m3u8.bak"):
            assert not re.search(pattern, name)
        # A name outside the pattern is the catch-all; inside it, the view's 404.
        unknown = "No API endpoint at this path."
        response = api_client.get("/api/v1/videos/1/hls/0")
        assert response.json()["errors"][0]["message"] == unknown
        signed_in(api_client, UserFactory())
        response = api_client.get("/api/v1/videos/1/hls/master.m3u8")
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"] != unknown


class TestRequestSchemas:
    """Request schemas are exactly as strict as the serializers (Schemathesis
    ST201/ST202)."""

    def test_boolean_query_parameters_are_an_enum(self):
        mine = path_parameter("/api/v1/courses", "get", "mine")["schema"]
        assert mine["enum"] == ["true", "false", "1", "0"]

    @pytest.mark.parametrize("value", ["", "yes", "True", "on"])
    def test_other_spellings_of_mine_are_400(self, api_client, value):
        signed_in(api_client, UserFactory(role=Role.INSTRUCTOR))
        response = api_client.get("/api/v1/courses", {"mine": value})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "mine"

    def test_decimal_strings_need_digits(self):
        price = request_property("CourseInputRequest", "price")
        for value in ("0", "49.90", "1000000", ".5", 49.5, 0):
            assert is_valid(price, value), value
        for value in ("", "-", ".", "-1", "1.999", "1000000.01", "1e3", " 1"):
            assert not is_valid(price, value), value
        score = request_property("AssessmentInputRequest", "passing_score")
        assert is_valid(score, "100")
        assert not is_valid(score, "100.5")

    def test_blank_after_trimming_is_invalid_where_refused(self):
        reason = request_property("RevokeInputRequest", "reason")
        assert is_valid(reason, "Fraud")
        for value in ("", "\r", " \t", "a\x00b", "\x1c", "\x1d", "\x85"):
            assert not is_valid(reason, value), repr(value)

    def test_json_fields_are_typed(self):
        answers = request_property("SubmitInputRequest", "answers")
        assert is_valid(answers, {"q1": 1})
        assert not is_valid(answers, None)
        grades = request_property("GradeInputRequest", "grades")
        assert not is_valid(grades, "")
        assert not is_valid(grades, [])
        questions = request_property("AssessmentInputRequest", "questions")
        assert not is_valid(questions, None)
        assert not is_valid(questions, [])

    def test_structured_bodies_are_json_only(self):
        paths = openapi_document()["paths"]
        for path, method in [
            ("/api/v1/attempts/{attempt_id}/events", "post"),
            ("/api/v1/attempts/{attempt_id}/grade", "post"),
            ("/api/v1/assessments/{assessment_id}/submit", "post"),
            ("/api/v1/courses/{course_id}/modules", "post"),
        ]:
            content = paths[path][method]["requestBody"]["content"]
            assert list(content) == ["application/json"], path
        # Flat bodies keep the form encodings.
        register = paths["/api/v1/auth/register"]["post"]["requestBody"]["content"]
        assert "multipart/form-data" in register

    def test_grading_queue_course_is_a_positive_id(self, api_client):
        course = path_parameter("/api/v1/grading/queue", "get", "course")["schema"]
        assert course["minimum"] == 1
        signed_in(api_client, UserFactory(role=Role.INSTRUCTOR))
        for value in ("-29257", "0", "", "x"):
            response = api_client.get("/api/v1/grading/queue", {"course": value})
            assert response.status_code == 400, value
            assert response.json()["errors"][0]["field"] == "course"

    def test_bodies_are_required_where_the_server_requires_them(self):
        paths = openapi_document()["paths"]
        verify = paths["/api/v1/certificates/{certificate_id}/verify"]["post"]
        assert verify["requestBody"]["required"] is True
        # PATCH of the answers replaces the whole set, like PUT: not "Patched".
        answers = paths["/api/v1/attempts/{attempt_id}/answers"]
        for method in ("put", "patch"):
            body = answers[method]["requestBody"]
            assert body["required"] is True
            ref = body["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/AnswersInputRequest")
        # Course edits stay partial (API.md: PUT accepts partial bodies).
        course = paths["/api/v1/courses/{course_id}"]
        for method in ("put", "patch"):
            ref = course[method]["requestBody"]["content"]["application/json"][
                "schema"
            ]["$ref"]
            assert ref.endswith("/PatchedCourseInputRequest")

    def test_blank_allowed_strings_match_one_alternative(self):
        category = path_parameter("/api/v1/courses", "get", "category")["schema"]
        assert is_valid(category, "")
        assert is_valid(category, "Cloud")
        assert not is_valid(category, "a\x00")

    def test_files_are_not_enveloped(self):
        path = "/api/v1/videos/{video_id}/hls/{name}"
        content = openapi_document()["paths"][path]["get"]["responses"]["200"][
            "content"
        ]
        assert content["application/vnd.apple.mpegurl"]["schema"] == {
            "type": "string",
            "format": "binary",
        }


class TestUserUpdateTypes:
    """PATCH /users/me with numbers for strings was accepted (Schemathesis ST201)."""

    @pytest.mark.parametrize(
        "body",
        [{"first_name": -216806286573111215128576}, {"phone": -1973969}],
    )
    def test_numbers_are_not_strings(self, api_client, body):
        user = UserFactory(first_name="Ada")
        signed_in(api_client, user)
        response = api_client.patch("/api/v1/users/me", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == next(iter(body))
        user.refresh_from_db()
        assert user.first_name == "Ada"

    def test_strings_still_work(self, api_client):
        signed_in(api_client, UserFactory())
        response = api_client.patch(
            "/api/v1/users/me",
            {"first_name": "Grace", "phone": "+1 555 0100"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["data"]["first_name"] == "Grace"

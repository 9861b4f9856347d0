"""Learning endpoints answer what the OpenAPI schema documents (found by fuzzing the
schema with Schemathesis)."""

import pytest
from rest_framework.test import APIClient

from content.models import ModulePage
from learning.services import enrollment_create, module_progress_record
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.portal.openapi import (
    assert_response_matches,
    is_valid,
    openapi_document,
    response_schema,
)

pytestmark = pytest.mark.django_db

PROGRESS = "/api/v1/courses/{course_id}/progress"
VERIFY = "/api/v1/certificates/{certificate_id}/verify"


class TestCourseProgressSchema:
    """A learner gets an object, the instructor a paginated list: both documented."""

    def test_learner_object_matches_the_schema(self, api_client, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        module = ModulePage.objects.child_of(course).live().first()
        module_progress_record(
            actor=student, course_id=course.pk, module_id=module.pk, completed=True
        )
        signed_in(api_client, student)
        response = api_client.get(f"/api/v1/courses/{course.pk}/progress")
        assert response.status_code == 200
        assert isinstance(response.json()["data"], dict)
        assert_response_matches(response, PROGRESS)

    @pytest.mark.parametrize("learners", [0, 1])
    def test_instructor_rows_match_the_schema(
        self, api_client, course, instructor, learners
    ):
        for _ in range(learners):
            enrollment_create(actor=UserFactory(), course_id=course.pk)
        signed_in(api_client, instructor)
        response = api_client.get(f"/api/v1/courses/{course.pk}/progress")
        assert response.status_code == 200
        assert isinstance(response.json()["data"], list)
        assert "pagination" in response.json()["meta"]
        assert_response_matches(response, PROGRESS)

    def test_each_shape_matches_exactly_one_branch(self):
        schema = response_schema(PROGRESS, "get")
        assert len(schema["oneOf"]) == 2
        meta = {"timestamp": "2026-01-01T00:00:00Z", "version": "v1"}
        rows = {"status": "success", "data": [], "errors": []}
        # A list without pagination is not what the API sends.
        assert not is_valid(schema, {**rows, "meta": meta})
        pagination = {"page": 1, "per_page": 20, "total": 0, "pages": 0}
        assert is_valid(schema, {**rows, "meta": {**meta, "pagination": pagination}})

    def test_outsider_still_gets_403(self, api_client, course):
        from portal.accounts.models import Role

        signed_in(api_client, UserFactory(role=Role.INSTRUCTOR))
        response = api_client.get(f"/api/v1/courses/{course.pk}/progress")
        assert response.status_code == 403


class TestProgressInput:
    @pytest.mark.parametrize("completed", ["yes", 1, "true", None])
    def test_completed_takes_only_json_booleans(
        self, api_client, course, student, completed
    ):
        enrollment_create(actor=student, course_id=course.pk)
        module = ModulePage.objects.child_of(course).live().first()
        signed_in(api_client, student)
        response = api_client.post(
            f"/api/v1/courses/{course.pk}/modules/{module.pk}/progress",
            {"completed": completed},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "completed"


class TestVerifySchema:
    def test_schema_claims_no_length_the_server_does_not_enforce(self):
        body = openapi_document()["components"]["schemas"]["VerifyInputRequest"]
        number = body["properties"]["certificate_number"]
        assert "minLength" not in str(number)
        # One of the two is required, as the server says (400 for neither).
        assert body["anyOf"] == [
            {"required": ["verification_hash"]},
            {"required": ["certificate_number"]},
        ]

    @pytest.mark.parametrize(
        "body",
        [
            {"certificate_number": ""},
            {"verification_hash": "0", "certificate_number": ""},
            {"verification_hash": ""},
        ],
    )
    def test_blank_values_are_unknown_not_invalid(self, body):
        for fmt in ("json", "multipart"):
            response = APIClient().post(
                "/api/v1/certificates/1/verify", body, format=fmt
            )
            assert response.status_code == 200, response.json()
            assert response.json()["data"] == {"valid": False}

    def test_neither_value_is_400(self):
        response = APIClient().post("/api/v1/certificates/1/verify", {}, format="json")
        assert response.status_code == 400

    def test_a_number_is_not_a_string(self):
        response = APIClient().post(
            "/api/v1/certificates/1/verify", {"certificate_number": 12}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "certificate_number"

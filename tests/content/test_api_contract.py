"""Course and module input is as strict as the OpenAPI schema says (found by
fuzzing the schema with Schemathesis)."""

import pytest

pytestmark = pytest.mark.django_db


def modules_url(course) -> str:
    return f"/api/v1/courses/{course.pk}/modules"


MODULE = {"title": "Ports", "content_type": "text", "duration": 5}


class TestModuleInput:
    @pytest.mark.parametrize("value", ["yes", "true", 1, "on", None])
    def test_booleans_take_json_booleans_only(
        self, client_as, course_factory, course_instructor, value
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), {**MODULE, "is_free_preview": value}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "is_free_preview"

    def test_json_booleans_work(self, client_as, course_factory, course_instructor):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course),
            {**MODULE, "is_free_preview": True, "is_mandatory": False},
            format="json",
        )
        assert response.status_code == 201
        data = response.json()["data"]
        assert data["is_free_preview"] is True
        assert data["is_mandatory"] is False

    def test_form_body_without_the_boolean_keeps_its_default(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), MODULE, format="multipart"
        )
        assert response.status_code == 201
        assert response.json()["data"]["is_mandatory"] is True

    @pytest.mark.parametrize("block_type", [{}, [], 3, None])
    def test_a_block_type_that_is_not_a_string_is_400_not_500(
        self, client_as, course_factory, course_instructor, block_type
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course),
            {**MODULE, "body": [{"type": block_type, "value": None}]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "body"

    def test_outsider_still_gets_403(self, client_as, course_factory, learner):
        course = course_factory()
        response = client_as(learner).post(modules_url(course), MODULE, format="json")
        assert response.status_code == 403


class TestIdsInPaths:
    @pytest.mark.parametrize("path", ["courses/0", "courses/00", "videos/0"])
    def test_id_zero_is_no_endpoint(self, client_as, path):
        response = client_as().get(f"/api/v1/{path}")
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"] == (
            "No API endpoint at this path."
        )


class TestCourseInput:
    @pytest.mark.parametrize(
        "body",
        [{"learning_outcomes": [0]}, {"title": 12}, {"price": ""}, {"price": "1e3"}],
    )
    def test_values_outside_the_schema_are_400(
        self, client_as, course_factory, course_instructor, body
    ):
        course = course_factory()
        response = client_as(course_instructor).patch(
            f"/api/v1/courses/{course.pk}", body, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"].startswith(next(iter(body)))

    def test_documented_values_work(self, client_as, course_factory, course_instructor):
        course = course_factory()
        response = client_as(course_instructor).patch(
            f"/api/v1/courses/{course.pk}",
            {"learning_outcomes": ["Read a packet capture"], "price": "19.90"},
            format="json",
        )
        assert response.status_code == 200

"""Authoring: strict validation of questions, and who may create assessments."""

import pytest

from assessments.models import Assessment
from assessments.questions import questions_validate
from portal.errors import InvalidInput
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS

pytestmark = pytest.mark.django_db


def invalid(questions) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        questions_validate(questions, salt="s")
    return info.value


def create(client, course, **overrides):
    body = {
        "title": "Quiz",
        "assessment_type": "quiz",
        "questions": QUESTIONS,
        "passing_score": 70,
        "max_attempts": 2,
        **overrides,
    }
    return client.post(f"/api/v1/courses/{course.pk}/assessments", body, format="json")


class TestQuestionValidation:
    @pytest.mark.parametrize(
        ("question", "path", "message"),
        [
            (
                {"type": "single_choice", "choices": ["a", "b"], "correct": 2},
                "questions[1].correct",
                "index out of range",
            ),
            (
                {"type": "multiple_choice", "choices": ["a", "b"], "correct": [0, 3]},
                "questions[1].correct",
                "index out of range",
            ),
            ({"type": "true_false", "correct": "yes"}, "questions[1].correct", "true"),
            ({"type": "short_answer", "correct": []}, "questions[1].correct", "list"),
            (
                {"type": "numeric", "correct": 1, "tolerance": -1},
                "questions[1].tolerance",
                ">= 0",
            ),
            ({"type": "flag", "correct": ""}, "questions[1].correct", "flag"),
            ({"type": "essay", "points": 0}, "questions[1].points", "> 0"),
            ({"type": "poem"}, "questions[1].type", "must be one of"),
            (
                {"type": "true_false", "correct": True, "hint": "x"},
                "questions[1].hint",
                "unknown field",
            ),
            (
                {"type": "single_choice", "choices": ["only"], "correct": 0},
                "questions[1].choices",
                "2 to",
            ),
        ],
    )
    def test_error_names_the_question_path(self, question, path, message):
        first = {"id": "ok", "type": "essay", "prompt": "Fine."}
        question = {"id": "q", "prompt": "?", **question}
        error = invalid([first, question])
        assert error.field == path
        assert f"{path}: " in error.message
        assert message in error.message

    def test_prompt_required_and_ids_unique(self):
        error = invalid(
            [
                {"id": "a", "type": "essay", "prompt": " "},
                {"id": "a", "type": "essay", "prompt": "x"},
            ]
        )
        assert "questions[0].prompt: required" in error.message
        assert "questions[1].id: duplicate id" in error.message

    def test_not_a_list(self):
        assert invalid({"q1": {}}).field == "questions"
        assert invalid([]).field == "questions"

    def test_points_default_to_one(self):
        (question,) = questions_validate(
            [{"id": "a", "type": "true_false", "prompt": "x", "correct": True}],
            salt="s",
        )
        assert question["points"] == 1


class TestCreateAssessment:
    def test_instructor_creates_with_flag_hashed(self, api_client, course, instructor):
        signed_in(api_client, instructor)
        response = create(api_client, course)
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["question_count"] == 6
        assessment = Assessment.objects.get(pk=data["id"])
        assert FLAG not in str(assessment.questions)
        assert FLAG not in response.content.decode()
        assert assessment.created_by == instructor
        assert len(assessment.flag_salt) == 32

    def test_admin_may_create(self, api_client, course, admin_user):
        signed_in(api_client, admin_user)
        assert create(api_client, course).status_code == 201

    def test_invalid_question_is_400_naming_it(self, api_client, course, instructor):
        signed_in(api_client, instructor)
        bad = [*QUESTIONS[:2], {**QUESTIONS[0], "id": "q9", "correct": 7}]
        response = create(api_client, course, questions=bad)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["field"] == "questions[2].correct"
        assert "questions[2].correct: index out of range" in error["message"]
        assert not Assessment.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"passing_score": 101}, "passing_score"),
            ({"max_attempts": 0}, "max_attempts"),
            ({"assessment_type": "poll"}, "assessment_type"),
            ({"pool_size": 7}, "pool_size"),
            ({"required_for_completion": True}, "module_id"),
            ({"module_id": 999999}, "module_id"),
        ],
    )
    def test_invalid_fields(self, api_client, course, instructor, overrides, field):
        signed_in(api_client, instructor)
        response = create(api_client, course, **overrides)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field

    def test_student_cannot_create(self, api_client, course, student):
        signed_in(api_client, student)
        assert create(api_client, course).status_code == 403

    def test_other_instructor_cannot_create(self, api_client, course):
        from portal.accounts.models import Role

        signed_in(api_client, UserFactory(role=Role.INSTRUCTOR))
        assert create(api_client, course).status_code == 403
        assert not Assessment.objects.exists()

    def test_draft_course_of_another_is_404(self, api_client, make_course, student):
        draft = make_course(title="Draft", publish=False)
        signed_in(api_client, student)
        assert create(api_client, draft).status_code == 404

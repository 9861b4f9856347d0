"""The results page of an assessment in the Wagtail admin: overall numbers and per
question statistics, for the course's instructor and admins only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt, AttemptStatus
from assessments.services import attempt_grade_manual, attempt_start, attempt_submit
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory

from .conftest import QUESTIONS

pytestmark = pytest.mark.django_db

WITH_ESSAY = [
    *QUESTIONS[:3],  # q1 single (1 pt), q2 multiple (2 pts), q3 true/false (1 pt)
    {"id": "e1", "type": "essay", "prompt": "Explain TLS.", "points": 4},
]


def results_url(assessment) -> str:
    return reverse("assessments:results", args=[assessment.pk])


def enrolled(course):
    user = UserFactory()
    enrollment_create(actor=user, course_id=course.pk)
    return user


def rows_by_id(response) -> dict:
    return {row["question"].id: row for row in response.context["rows"]}


@pytest.fixture
def quiz(make_assessment):
    return make_assessment(questions=QUESTIONS[:3], passing_score=70)


class TestResults:
    def test_overall_and_per_question_numbers(self, client, instructor, course, quiz):
        # Right on everything (4/4 points): passes.
        attempt_submit(
            actor=enrolled(course),
            assessment_id=quiz.pk,
            answers={"q1": 1, "q2": [1, 3], "q3": False},
        )
        # q1 right, q2 wrong, q3 unanswered (1/4 points): fails.
        attempt_submit(
            actor=enrolled(course), assessment_id=quiz.pk, answers={"q1": 1, "q2": [0]}
        )
        # Started, not submitted: not counted.
        attempt_start(actor=enrolled(course), assessment_id=quiz.pk)
        client.force_login(instructor)

        response = client.get(results_url(quiz))

        assert response.status_code == 200
        results = response.context["results"]
        assert (results.attempts, results.graded, results.passed) == (2, 2, 1)
        assert results.pass_rate == 50
        assert results.average_score == pytest.approx((100 + 25) / 2)
        rows = rows_by_id(response)
        assert list(rows) == ["q1", "q2", "q3"]
        q1, q2, q3 = (
            rows["q1"]["question"],
            rows["q2"]["question"],
            rows["q3"]["question"],
        )
        assert (q1.served, q1.answered, q1.correct) == (2, 2, 2)
        assert (q2.served, q2.answered, q2.correct) == (2, 2, 1)
        assert (q3.served, q3.answered, q3.correct) == (2, 1, 1)
        assert rows["q1"]["correct_rate"] == "100%"
        assert rows["q2"]["correct_rate"] == "50%"
        assert rows["q2"]["average_points"] == "1.00"  # 2 and 0 of 2 points
        html = response.content.decode()
        assert 'data-stat="pass_rate">50%<' in html
        assert 'data-stat="attempts">2<' in html

    def test_essays_count_once_graded_by_hand(
        self, client, instructor, course, make_assessment
    ):
        assessment = make_assessment(questions=WITH_ESSAY, passing_score=50)
        graded = attempt_submit(
            actor=enrolled(course),
            assessment_id=assessment.pk,
            answers={"q1": 1, "e1": "Handshake, then symmetric keys."},
        )
        attempt_submit(
            actor=enrolled(course), assessment_id=assessment.pk, answers={"e1": "?"}
        )
        attempt_grade_manual(
            actor=instructor,
            attempt_id=graded.pk,
            grades={"e1": {"points": 3, "feedback": "Good."}},
        )
        client.force_login(instructor)

        response = client.get(results_url(assessment))

        results = response.context["results"]
        assert (results.attempts, results.graded, results.pending) == (2, 1, 1)
        essay = rows_by_id(response)["e1"]
        assert (essay["question"].served, essay["question"].answered) == (2, 2)
        assert essay["question"].graded == 1
        assert essay["average_points"] == "3.00"
        assert essay["correct_rate"] == "—"  # not auto-graded
        assert reverse("assessments_grading_queue") in response.content.decode()

    def test_query_count_does_not_grow_with_attempts(
        self, client, instructor, course, quiz
    ):
        client.force_login(instructor)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(results_url(quiz)).status_code == 200
            return len(captured)

        attempt_submit(actor=enrolled(course), assessment_id=quiz.pk, answers={"q1": 1})
        one = queries()
        for _ in range(6):
            attempt_submit(
                actor=enrolled(course), assessment_id=quiz.pk, answers={"q3": False}
            )
        assert Attempt.objects.filter(status=AttemptStatus.GRADED).count() == 7

        assert queries() == one

    def test_only_the_courses_instructor_and_admins(
        self, client, quiz, admin_user, learner
    ):
        other = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=other)

        client.force_login(other)
        assert client.get(results_url(quiz)).status_code == 404
        client.force_login(learner)
        assert client.get(results_url(quiz)).status_code in (302, 403, 404)
        client.force_login(admin_user)
        assert client.get(results_url(quiz)).status_code == 200

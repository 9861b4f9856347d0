"""Manual grading in the Wagtail admin: the queue of essays awaiting review and the
grade form, which posts to ``attempt_grade_manual``."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt, AttemptStatus
from assessments.services import attempt_submit
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.errors import InvalidInput
from tests.portal.factories import UserFactory

from .conftest import QUESTIONS

pytestmark = pytest.mark.django_db

QUEUE = "assessments_grading_queue"
ESSAYS = [
    QUESTIONS[0],  # single choice, 1 point
    {"id": "e1", "type": "essay", "prompt": "Explain XSS.", "points": 4},
]
ESSAY_ANSWER = "Injected script runs in the victim's page."


def grade_url(attempt) -> str:
    return reverse("assessments_grading_attempt", args=[attempt.pk])


def fresh(attempt) -> Attempt:
    return Attempt.objects.get(pk=attempt.pk)


@pytest.fixture
def essay_assessment(make_assessment):
    return make_assessment(questions=ESSAYS, passing_score=60)


def submitted(course, assessment):
    user = UserFactory()
    enrollment_create(actor=user, course_id=course.pk)
    return attempt_submit(
        actor=user, assessment_id=assessment.pk, answers={"q1": 1, "e1": ESSAY_ANSWER}
    )


@pytest.fixture
def pending(course, essay_assessment):
    return submitted(course, essay_assessment)


@pytest.fixture
def other_instructor(db):
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


class TestQueue:
    def test_instructor_sees_pending_essays_of_their_courses(
        self, client, instructor, pending
    ):
        client.force_login(instructor)

        response = client.get(reverse(QUEUE))

        assert response.status_code == 200
        assert [a.pk for a in response.context["attempts"]] == [pending.pk]
        html = response.content.decode()
        assert grade_url(pending) in html
        assert pending.user.email in html

    def test_other_instructors_see_nothing_of_it(
        self, client, other_instructor, pending
    ):
        client.force_login(other_instructor)

        response = client.get(reverse(QUEUE))

        assert response.status_code == 200
        assert list(response.context["attempts"]) == []
        assert grade_url(pending) not in response.content.decode()

    def test_learners_have_no_queue(self, client, learner, pending):
        client.force_login(learner)

        assert client.get(reverse(QUEUE)).status_code in (302, 403, 404)
        assert client.get(grade_url(pending)).status_code in (302, 403, 404)

    def test_query_count_does_not_grow_with_the_queue(
        self, client, instructor, course, essay_assessment
    ):
        client.force_login(instructor)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(QUEUE)).status_code == 200
            return len(captured)

        submitted(course, essay_assessment)
        one = queries()
        for _ in range(5):
            submitted(course, essay_assessment)

        assert queries() == one


class TestGradeForm:
    def test_shows_each_essay_with_the_learners_answer(
        self, client, instructor, pending
    ):
        client.force_login(instructor)

        response = client.get(grade_url(pending))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Explain XSS." in html
        assert "Injected script runs in the victim&#x27;s page." in html
        assert 'name="e1-points"' in html
        assert 'name="e1-feedback"' in html
        assert 'name="q1-points"' not in html  # auto-graded

    def test_instructor_grades_the_essay(self, client, instructor, pending):
        client.force_login(instructor)

        response = client.post(
            grade_url(pending), {"e1-points": "3", "e1-feedback": "Name a defence."}
        )

        assert response.status_code == 302
        assert response["Location"] == reverse(QUEUE)
        attempt = fresh(pending)
        assert attempt.status == AttemptStatus.GRADED
        assert float(attempt.score) == 80.0  # (1 + 3) of 5 points
        assert attempt.passed is True
        assert attempt.graded_by == instructor
        assert attempt.results["e1"]["points_awarded"] == 3
        assert attempt.results["e1"]["feedback"] == "Name a defence."
        assert client.get(reverse(QUEUE)).context["page_obj"].paginator.count == 0

    def test_a_low_grade_fails_and_can_be_regraded(self, client, instructor, pending):
        client.force_login(instructor)

        client.post(grade_url(pending), {"e1-points": "1", "e1-feedback": ""})
        assert fresh(pending).passed is False
        assert float(fresh(pending).score) == 40.0

        form = client.get(grade_url(pending)).context["form"]
        assert form["e1-points"].value() == 1  # the current grade, to change
        client.post(grade_url(pending), {"e1-points": "4", "e1-feedback": "Fixed."})
        assert fresh(pending).passed is True

    def test_points_out_of_range_are_refused(self, client, instructor, pending):
        client.force_login(instructor)

        response = client.post(grade_url(pending), {"e1-points": "5"})

        assert response.status_code == 200
        assert "e1-points" in response.context["form"].errors
        assert fresh(pending).status == AttemptStatus.PENDING_REVIEW

    def test_service_errors_show_on_the_form(self, client, instructor, pending):
        client.force_login(instructor)
        error = InvalidInput("Must be a number from 0 to 4.", field="grades.e1.points")

        with mock.patch("assessments.services.attempt_grade_manual", side_effect=error):
            response = client.post(grade_url(pending), {"e1-points": "2"})

        assert response.status_code == 200
        assert response.context["form"].errors["e1-points"] == [
            "Must be a number from 0 to 4."
        ]
        assert "Must be a number from 0 to 4." in response.content.decode()
        assert fresh(pending).status == AttemptStatus.PENDING_REVIEW

    def test_another_instructor_cannot_open_or_grade_it(
        self, client, other_instructor, pending
    ):
        client.force_login(other_instructor)

        assert client.get(grade_url(pending)).status_code == 404
        response = client.post(grade_url(pending), {"e1-points": "4"})

        assert response.status_code == 404
        attempt = fresh(pending)
        assert attempt.status == AttemptStatus.PENDING_REVIEW
        assert attempt.graded_by is None

    def test_admin_grades_any_course(self, client, admin_user, pending):
        client.force_login(admin_user)

        assert pending.pk in [
            a.pk for a in client.get(reverse(QUEUE)).context["attempts"]
        ]
        response = client.post(grade_url(pending), {"e1-points": "0"})

        assert response.status_code == 302
        assert fresh(pending).graded_by == admin_user
        assert fresh(pending).passed is False

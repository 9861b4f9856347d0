"""Assessment figures in the analytics endpoints, supplied by the assessments app
through the ``portal.hooks`` extension points (learning never imports assessments)."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from assessments.models import Attempt
from assessments.services import (
    assessment_archive,
    assessment_create,
    attempt_start,
    attempt_submit,
)
from learning.models import Enrollment
from learning.services import enrollment_cancel, enrollment_create
from portal.hooks import COURSE_ASSESSMENT_ANALYTICS, USER_ASSESSMENT_HISTORY
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

TF = [
    {"id": "t1", "type": "true_false", "prompt": "A?", "correct": True},
    {"id": "t2", "type": "true_false", "prompt": "B?", "correct": False},
]
ESSAY = [{"id": "e1", "type": "essay", "prompt": "Why?"}]


def course_url(course) -> str:
    return f"/api/v1/analytics/courses/{course.pk}"


def data_of(client, viewer, path) -> dict:
    signed_in(client, viewer)
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def make(instructor, course, title, questions, **fields):
    return assessment_create(
        actor=instructor,
        course_id=course.pk,
        title=title,
        assessment_type=fields.pop("assessment_type", "quiz"),
        questions=questions,
        passing_score=fields.pop("passing_score", 100),
        max_attempts=fields.pop("max_attempts", 3),
        **fields,
    )


def learner_of(course, **names):
    user = UserFactory(**names)
    enrollment_create(actor=user, course_id=course.pk)
    return user


@pytest.fixture
def world(course, instructor):
    quiz = make(instructor, course, "Quiz", TF)
    essay = make(instructor, course, "Essay", ESSAY, assessment_type="assignment")
    retired = make(instructor, course, "Old quiz", TF)
    s1 = learner_of(course, first_name="Sam", last_name="One")
    s2 = learner_of(course)
    gone = learner_of(course)
    right, wrong = {"t1": True, "t2": False}, {"t1": False, "t2": True}
    attempt_submit(actor=s1, assessment_id=quiz.pk, answers=wrong)  # 0
    attempt_submit(actor=s1, assessment_id=quiz.pk, answers=right)  # 100, passed
    attempt_submit(actor=s2, assessment_id=quiz.pk, answers={"t1": True})  # 50
    attempt_submit(actor=s1, assessment_id=essay.pk, answers={"e1": "Because."})
    attempt_start(actor=s2, assessment_id=essay.pk)  # in progress: not counted
    attempt_submit(actor=s1, assessment_id=retired.pk, answers=right)
    # A cancelled learner's attempts leave the course figures.
    attempt_submit(actor=gone, assessment_id=quiz.pk, answers=right)
    enrollment_cancel(
        enrollment=Enrollment.objects.get(user=gone, course=course), actor=gone
    )
    assessment_archive(actor=instructor, assessment_id=retired.pk)
    return SimpleNamespace(
        quiz=quiz, essay=essay, retired=retired, s1=s1, s2=s2, gone=gone
    )


class TestRegistry:
    def test_assessments_registers_its_figures_once(self):
        from assessments.analytics import (
            course_assessment_analytics,
            user_assessment_history,
        )

        course_rows = hooks.get_hooks(COURSE_ASSESSMENT_ANALYTICS)
        assert course_rows.count(course_assessment_analytics) == 1
        history = hooks.get_hooks(USER_ASSESSMENT_HISTORY)
        assert history.count(user_assessment_history) == 1

    def test_learning_does_not_import_assessments(self):
        import learning.analytics as module

        with open(module.__file__) as source:
            text = source.read()
        assert "from assessments" not in text
        assert "import assessments" not in text


class TestCourseAnalytics:
    def test_per_assessment_figures(self, api_client, world, course, instructor):
        data = data_of(api_client, instructor, course_url(course))
        rows = {row["id"]: row for row in data["assessments"]}
        assert list(rows) == [world.quiz.pk, world.essay.pk, world.retired.pk]
        assert rows[world.quiz.pk] == {
            "id": world.quiz.pk,
            "title": "Quiz",
            "type": "quiz",
            "archived": False,
            "attempts": 3,
            "learners": 2,
            "passed": 1,
            "pass_rate": 0.5,
            "average_score": 50.0,
            "pending_review": 0,
        }
        assert rows[world.essay.pk] == {
            "id": world.essay.pk,
            "title": "Essay",
            "type": "assignment",
            "archived": False,
            "attempts": 1,
            "learners": 1,
            "passed": 0,
            "pass_rate": 0.0,
            "average_score": None,
            "pending_review": 1,
        }
        assert rows[world.retired.pk]["archived"] is True
        assert rows[world.retired.pk]["pass_rate"] == 1.0

    def test_late_attempts_do_not_lift_the_average(
        self, api_client, world, course, instructor
    ):
        Attempt.objects.filter(
            user=world.s1, assessment=world.quiz, attempt_number=1
        ).update(late=True, passed=False)
        data = data_of(api_client, instructor, course_url(course))
        quiz = next(r for r in data["assessments"] if r["id"] == world.quiz.pk)
        assert quiz["attempts"] == 3
        assert quiz["average_score"] == 75.0  # (100 + 50) / 2: the late 0 is out

    def test_others_still_forbidden(self, api_client, world, course):
        signed_in(api_client, world.s1)
        assert api_client.get(course_url(course)).status_code == 403

    def test_query_count_does_not_grow(self, api_client, course, instructor):
        quiz = make(instructor, course, "Only", TF)
        attempt_submit(
            actor=learner_of(course), assessment_id=quiz.pk, answers={"t1": True}
        )
        signed_in(api_client, instructor)
        api_client.get(course_url(course))
        with CaptureQueriesContext(connection) as one:
            api_client.get(course_url(course))
        for i in range(4):
            more = make(instructor, course, f"More {i}", TF)
            for _ in range(3):
                attempt_submit(
                    actor=learner_of(course), assessment_id=more.pk, answers={}
                )
        with CaptureQueriesContext(connection) as many:
            response = api_client.get(course_url(course))
        assert len(response.json()["data"]["assessments"]) == 5
        assert len(many.captured_queries) <= len(one.captured_queries)


class TestUserAnalytics:
    def test_own_history_per_course(self, api_client, world, course):
        data = data_of(api_client, world.s1, "/api/v1/analytics/users/me")
        (group,) = data["assessment_history"]
        assert group["course_id"] == course.pk
        assert group["course_title"] == course.title
        rows = {row["assessment_id"]: row for row in group["assessments"]}
        assert list(rows) == [world.quiz.pk, world.essay.pk, world.retired.pk]
        quiz = rows[world.quiz.pk]
        assert quiz["attempts"] == 2
        assert quiz["best_score"] == 100.0
        assert quiz["passed"] is True
        assert quiz["last_submitted_at"] == max(
            a.submitted_at
            for a in Attempt.objects.filter(user=world.s1, assessment=world.quiz)
        ).isoformat().replace("+00:00", "Z")
        essay = rows[world.essay.pk]
        assert essay["best_score"] is None
        assert essay["passed"] is False
        assert essay["pending_review"] is True
        assert rows[world.retired.pk]["archived"] is True

    def test_in_progress_counts_as_an_attempt_without_score(
        self, api_client, world, admin_user
    ):
        data = data_of(api_client, admin_user, f"/api/v1/analytics/users/{world.s2.pk}")
        (group,) = data["assessment_history"]
        rows = {row["assessment_id"]: row for row in group["assessments"]}
        assert rows[world.essay.pk]["attempts"] == 1
        assert rows[world.essay.pk]["best_score"] is None
        assert rows[world.essay.pk]["last_submitted_at"] is None
        assert rows[world.quiz.pk]["best_score"] == 50.0
        assert rows[world.quiz.pk]["passed"] is False

    def test_another_learner_cannot_see_it(self, api_client, world):
        signed_in(api_client, world.s2)
        response = api_client.get(f"/api/v1/analytics/users/{world.s1.pk}")
        assert response.status_code == 404

    def test_no_attempts_no_history(self, api_client, course):
        learner = learner_of(course)
        data = data_of(api_client, learner, "/api/v1/analytics/users/me")
        assert data["assessment_history"] == []

    def test_query_count_does_not_grow(self, api_client, course, instructor):
        learner = learner_of(course)
        first = make(instructor, course, "First", TF)
        attempt_submit(actor=learner, assessment_id=first.pk, answers={})
        signed_in(api_client, learner)
        api_client.get("/api/v1/analytics/users/me")
        with CaptureQueriesContext(connection) as one:
            api_client.get("/api/v1/analytics/users/me")
        for i in range(4):
            more = make(instructor, course, f"More {i}", TF)
            attempt_submit(actor=learner, assessment_id=more.pk, answers={})
            attempt_submit(actor=learner, assessment_id=more.pk, answers={"t1": True})
        with CaptureQueriesContext(connection) as many:
            response = api_client.get("/api/v1/analytics/users/me")
        (group,) = response.json()["data"]["assessment_history"]
        assert len(group["assessments"]) == 5
        assert len(many.captured_queries) <= len(one.captured_queries)

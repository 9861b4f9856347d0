"""Manual grading of essays: the service, the grading queue and POST
/attempts/{id}/grade, and the chain to module, course completion and certificate."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Attempt, AttemptStatus
from assessments.services import (
    assessment_create,
    attempt_grade_manual,
    attempt_submit,
)
from content.models import ModulePage
from learning.models import (
    Certificate,
    Enrollment,
    EnrollmentStatus,
    ModuleProgress,
)
from learning.services import enrollment_create, module_progress_record
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import QUESTIONS

pytestmark = pytest.mark.django_db

ESSAYS = [
    QUESTIONS[0],  # single choice, 1 point
    {"id": "e1", "type": "essay", "prompt": "Explain XSS.", "points": 4},
    {"id": "e2", "type": "essay", "prompt": "Explain CSRF.", "points": 5},
]
ANSWERS = {"q1": 1, "e1": "Injected script runs in the victim's page.", "e2": "..."}


def full(e1=4, e2=5, **feedback):
    return {
        "e1": {"points": e1, "feedback": feedback.get("f1", "Clear.")},
        "e2": {"points": e2},
    }


@pytest.fixture
def essay_assessment(make_assessment):
    return make_assessment(questions=ESSAYS, passing_score=60)


@pytest.fixture
def pending(essay_assessment, learner):
    return attempt_submit(
        actor=learner, assessment_id=essay_assessment.pk, answers=ANSWERS
    )


@pytest.fixture
def other_instructor(db):
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    signed_in(client, user)
    return client


def grade_url(attempt) -> str:
    return f"/api/v1/attempts/{attempt.pk}/grade"


class TestGradeService:
    def test_grades_recomputes_score_and_passes(self, pending, instructor):
        assert pending.status == AttemptStatus.PENDING_REVIEW
        attempt = attempt_grade_manual(
            actor=instructor, attempt_id=pending.pk, grades=full(e1=3, e2=2)
        )
        attempt.refresh_from_db()
        # 1 (q1) + 3 + 2 of 10 points.
        assert float(attempt.score) == 60.0
        assert attempt.passed is True
        assert attempt.status == AttemptStatus.GRADED
        assert attempt.graded_by == instructor
        assert attempt.graded_at is not None
        assert attempt.results["e1"] == {
            "outcome": "partial",
            "points_awarded": 3.0,
            "points": 4.0,
            "feedback": "Clear.",
        }
        assert attempt.results["q1"]["outcome"] == "correct"

    def test_below_passing_score_fails(self, pending, instructor):
        attempt = attempt_grade_manual(
            actor=instructor, attempt_id=pending.pk, grades=full(e1=0, e2=4)
        )
        assert float(attempt.score) == 50.0
        assert attempt.passed is False
        assert attempt.results["e1"]["outcome"] == "incorrect"

    def test_regrade_and_audit(self, pending, instructor, admin_user):
        attempt_grade_manual(
            actor=instructor, attempt_id=pending.pk, grades=full(e1=0, e2=0)
        )
        attempt = attempt_grade_manual(
            actor=admin_user, attempt_id=pending.pk, grades=full()
        )
        assert float(attempt.score) == 100.0
        assert attempt.passed is True
        assert attempt.graded_by == admin_user
        entries = list(
            AuditLog.objects.filter(
                action="assessment.attempt_graded", resource_id=str(pending.pk)
            ).order_by("created_at")
        )
        assert len(entries) == 2
        assert entries[0].details["regrade"] is False
        assert entries[0].details["previous"]["status"] == "pending_review"
        assert entries[1].details["regrade"] is True
        assert entries[1].details["previous"]["passed"] is False
        assert entries[1].details["passed"] is True
        assert entries[1].actor_id == admin_user.pk

    @pytest.mark.parametrize(
        ("grades", "field"),
        [
            ({"e1": {"points": 5}, "e2": {"points": 1}}, "grades.e1.points"),
            ({"e1": {"points": -1}, "e2": {"points": 1}}, "grades.e1.points"),
            ({"e1": {"points": "3"}, "e2": {"points": 1}}, "grades.e1.points"),
            ({"e1": {"points": True}, "e2": {"points": 1}}, "grades.e1.points"),
            ({"e1": {}, "e2": {"points": 1}}, "grades.e1.points"),
            ({"e1": {"points": 1}}, "grades.e2"),
            ({**full(), "q1": {"points": 1}}, "grades.q1"),
            ({**full(), "zz": {"points": 1}}, "grades.zz"),
            ({"e1": 3, "e2": {"points": 1}}, "grades.e1"),
            (
                {"e1": {"points": 1, "feedback": "x" * 5001}, "e2": {"points": 1}},
                "grades.e1.feedback",
            ),
            (
                {"e1": {"points": 1, "feedback": 7}, "e2": {"points": 1}},
                "grades.e1.feedback",
            ),
            ({"e1": {"points": 1, "bonus": 1}, "e2": {"points": 1}}, "grades.e1.bonus"),
            (["e1"], "grades"),
        ],
    )
    def test_invalid_grades(self, pending, instructor, grades, field):
        with pytest.raises(InvalidInput) as error:
            attempt_grade_manual(actor=instructor, attempt_id=pending.pk, grades=grades)
        assert error.value.field == field
        pending.refresh_from_db()
        assert pending.status == AttemptStatus.PENDING_REVIEW

    def test_access(self, pending, other_instructor, learner, student):
        with pytest.raises(PermissionDenied):
            attempt_grade_manual(
                actor=other_instructor, attempt_id=pending.pk, grades=full()
            )
        for user in (learner, student):
            with pytest.raises(NotFound):
                attempt_grade_manual(actor=user, attempt_id=pending.pk, grades=full())
        with pytest.raises(NotFound):
            attempt_grade_manual(actor=learner, attempt_id=10**12, grades=full())

    def test_late_in_progress_and_invalidated_are_409(
        self, essay_assessment, learner, instructor, pending
    ):
        for status, late in (
            (AttemptStatus.GRADED, True),
            (AttemptStatus.INVALIDATED, False),
            (AttemptStatus.IN_PROGRESS, False),
        ):
            Attempt.objects.filter(pk=pending.pk).update(status=status, late=late)
            with pytest.raises(Conflict):
                attempt_grade_manual(
                    actor=instructor, attempt_id=pending.pk, grades=full()
                )

    def test_attempt_without_essays_is_409(self, make_assessment, learner, instructor):
        assessment = make_assessment(questions=[QUESTIONS[0]])
        attempt = attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers={"q1": 1}
        )
        with pytest.raises(Conflict):
            attempt_grade_manual(actor=instructor, attempt_id=attempt.pk, grades={})

    def test_grades_the_snapshot_not_the_edited_assessment(
        self, pending, essay_assessment, instructor
    ):
        # The author later lowers e1 to 1 point: the attempt keeps its 4.
        questions = [dict(q) for q in essay_assessment.questions]
        questions[1]["points"] = 1
        type(essay_assessment).objects.filter(pk=essay_assessment.pk).update(
            questions=questions
        )
        attempt = attempt_grade_manual(
            actor=instructor, attempt_id=pending.pk, grades=full(e1=4)
        )
        assert attempt.results["e1"]["points"] == 4.0
        assert float(attempt.score) == 100.0


class TestCompletionChain:
    def test_essay_pending_then_graded_completes_course_and_issues_certificate(
        self,
        make_course,
        instructor,
        django_capture_on_commit_callbacks,
    ):
        course = make_course(modules=(("Intro", True), ("Final essay", True)))
        intro, final = ModulePage.objects.child_of(course).live()
        assessment = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Final essay",
            assessment_type="assignment",
            questions=ESSAYS,
            passing_score=70,
            module_id=final.pk,
            required_for_completion=True,
        )
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            module_progress_record(
                actor=learner, course_id=course.pk, module_id=intro.pk, completed=True
            )
            attempt = attempt_submit(
                actor=learner, assessment_id=assessment.pk, answers=ANSWERS
            )
        assert attempt.status == AttemptStatus.PENDING_REVIEW
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert not ModuleProgress.objects.filter(
            module=final, completed_at__isnull=False
        ).exists()
        assert not Certificate.objects.filter(user=learner).exists()

        with django_capture_on_commit_callbacks(execute=True):
            attempt_grade_manual(actor=instructor, attempt_id=attempt.pk, grades=full())
        assert ModuleProgress.objects.get(user=learner, module=final).completed_at
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert Certificate.objects.filter(user=learner, course=course).exists()

    def test_failing_grade_does_not_complete(self, make_course, instructor):
        course = make_course(modules=(("Final essay", True),))
        (final,) = ModulePage.objects.child_of(course).live()
        assessment = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Final essay",
            assessment_type="assignment",
            questions=ESSAYS,
            passing_score=70,
            module_id=final.pk,
            required_for_completion=True,
        )
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        attempt = attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=ANSWERS
        )
        attempt_grade_manual(
            actor=instructor, attempt_id=attempt.pk, grades=full(e1=1, e2=1)
        )
        assert not ModuleProgress.objects.filter(
            user=learner, module=final, completed_at__isnull=False
        ).exists()


class TestGradeApi:
    def test_instructor_grades_and_learner_sees_feedback(
        self, pending, instructor, learner_client
    ):
        response = client_for(instructor).post(
            grade_url(pending),
            {"grades": full(e1=2, f1="Cite an example.")},
            format="json",
        )
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["status"] == "graded"
        assert data["score"] == 80.0
        assert data["passed"] is True

        own = learner_client.get(f"/api/v1/attempts/{pending.pk}")
        feedback = {f["question_id"]: f for f in own.json()["data"]["feedback"]}
        assert feedback["e1"]["feedback"] == "Cite an example."
        assert feedback["e1"]["points_awarded"] == 2.0
        assert feedback["e1"]["points"] == 4.0
        assert feedback["e1"]["outcome"] == "partial"
        assert feedback["e1"]["correct"] is False
        assert feedback["e2"]["correct"] is True
        assert feedback["e2"]["feedback"] is None
        assert feedback["q1"]["feedback"] is None

    def test_trailing_slash_and_validation_envelope(self, pending, instructor):
        response = client_for(instructor).post(
            grade_url(pending) + "/",
            {"grades": {"e1": {"points": 9}, "e2": {"points": 1}}},
            format="json",
        )
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["field"] == "grades.e1.points"

    def test_access_from_the_other_side(
        self, pending, other_instructor, learner_client, course
    ):
        response = client_for(other_instructor).post(
            grade_url(pending), {"grades": full()}, format="json"
        )
        assert response.status_code == 403
        response = learner_client.post(
            grade_url(pending), {"grades": full()}, format="json"
        )
        assert response.status_code == 404
        assert (
            APIClient()
            .post(grade_url(pending), {"grades": full()}, format="json")
            .status_code
            == 401
        )
        pending.refresh_from_db()
        assert pending.status == AttemptStatus.PENDING_REVIEW

    def test_late_attempt_is_409(self, pending, instructor):
        Attempt.objects.filter(pk=pending.pk).update(
            status=AttemptStatus.GRADED, late=True
        )
        response = client_for(instructor).post(
            grade_url(pending), {"grades": full()}, format="json"
        )
        assert response.status_code == 409


class TestQueue:
    def submit_as_new_learner(self, course, assessment, when):
        user = UserFactory(first_name="Ada", last_name=f"L{when}")
        enrollment_create(actor=user, course_id=course.pk)
        attempt = attempt_submit(
            actor=user, assessment_id=assessment.pk, answers=ANSWERS
        )
        Attempt.objects.filter(pk=attempt.pk).update(
            submitted_at=timezone.now() - timedelta(hours=when)
        )
        return attempt

    def test_oldest_first_with_essays(self, course, essay_assessment, instructor):
        newer = self.submit_as_new_learner(course, essay_assessment, 1)
        older = self.submit_as_new_learner(course, essay_assessment, 5)
        graded = self.submit_as_new_learner(course, essay_assessment, 9)
        attempt_grade_manual(actor=instructor, attempt_id=graded.pk, grades=full())
        response = client_for(instructor).get("/api/v1/grading/queue")
        assert response.status_code == 200
        body = response.json()
        assert [r["attempt_id"] for r in body["data"]] == [older.pk, newer.pk]
        assert body["meta"]["pagination"]["total"] == 2
        row = body["data"][0]
        assert row["assessment"] == {
            "id": essay_assessment.pk,
            "title": essay_assessment.title,
        }
        assert row["course"] == {"id": course.pk, "title": course.title}
        assert row["learner"] == {"id": older.user_id, "name": "Ada L5"}
        assert [e["id"] for e in row["essays"]] == ["e1", "e2"]
        assert row["essays"][0]["answer"] == ANSWERS["e1"]
        assert row["essays"][0]["points"] == 4.0
        assert "correct" not in str(row)

    def test_scoped_to_managed_courses(
        self,
        course,
        make_course,
        essay_assessment,
        instructor,
        other_instructor,
        admin_user,
    ):
        mine = self.submit_as_new_learner(course, essay_assessment, 1)
        other_course = make_course(title="Other course")
        other_course.instructor = other_instructor
        other_course.save_revision().publish()
        other_assessment = assessment_create(
            actor=other_instructor,
            course_id=other_course.pk,
            title="Theirs",
            assessment_type="quiz",
            questions=ESSAYS,
            passing_score=50,
        )
        theirs = self.submit_as_new_learner(other_course, other_assessment, 2)

        def ids(user, query=""):
            response = client_for(user).get(f"/api/v1/grading/queue{query}")
            assert response.status_code == 200, response.content
            return [r["attempt_id"] for r in response.json()["data"]]

        assert ids(instructor) == [mine.pk]
        assert ids(other_instructor) == [theirs.pk]
        assert ids(admin_user) == [theirs.pk, mine.pk]
        assert ids(admin_user, f"?course={course.pk}") == [mine.pk]
        forbidden = client_for(instructor).get(
            f"/api/v1/grading/queue?course={other_course.pk}"
        )
        assert forbidden.status_code == 403

    def test_learners_are_refused_and_bad_course_is_400(self, learner_client, pending):
        assert learner_client.get("/api/v1/grading/queue/").status_code == 403
        assert APIClient().get("/api/v1/grading/queue").status_code == 401

    def test_bad_course_param(self, instructor):
        client = client_for(instructor)
        for bad in ("abc", "-1", "\u00b2", "9" * 19):
            response = client.get("/api/v1/grading/queue", {"course": bad})
            assert response.status_code == 400, bad
            assert response.json()["errors"][0]["field"] == "course"
        assert client.get("/api/v1/grading/queue?course=999999").status_code == 404

    def test_query_count(
        self, course, essay_assessment, instructor, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(instructor)
        self.submit_as_new_learner(course, essay_assessment, 1)
        with CaptureQueriesContext(connection) as one:
            client.get("/api/v1/grading/queue")
        for hours in range(2, 7):
            self.submit_as_new_learner(course, essay_assessment, hours)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get("/api/v1/grading/queue")
        assert len(response.json()["data"]) == 6


class TestSubmitAudit:
    def test_submit_is_audited_with_score_passed_and_late(
        self, make_assessment, learner, learner_client
    ):
        quiz = make_assessment(questions=[QUESTIONS[0]], max_attempts=2)
        attempt = attempt_submit(
            actor=learner, assessment_id=quiz.pk, answers={"q1": 1}
        )
        entry = AuditLog.objects.get(
            action="assessment.attempt_submitted", resource_id=str(attempt.pk)
        )
        assert entry.actor_id == learner.pk
        assert entry.resource_type == "attempt"
        assert entry.details["assessment_id"] == quiz.pk
        assert float(entry.details["score"]) == 100.0
        assert entry.details["passed"] is True
        assert entry.details["late"] is False

        timed = make_assessment(questions=[QUESTIONS[0]], time_limit=5)
        started = learner_client.post(f"/api/v1/assessments/{timed.pk}/start")
        late_id = started.json()["data"]["id"]
        past = timezone.now() - timedelta(minutes=30)
        Attempt.objects.filter(pk=late_id).update(
            started_at=past, deadline=past + timedelta(minutes=5)
        )
        response = learner_client.post(
            f"/api/v1/assessments/{timed.pk}/submit",
            {"answers": {"q1": 1}},
            format="json",
        )
        assert response.status_code == 409
        entry = AuditLog.objects.get(
            action="assessment.attempt_submitted", resource_id=str(late_id)
        )
        assert entry.details["late"] is True
        assert entry.details["passed"] is False

    def test_refused_submission_is_not_audited(self, make_assessment, learner):
        quiz = make_assessment(questions=[QUESTIONS[0]])
        with pytest.raises(InvalidInput):
            attempt_submit(actor=learner, assessment_id=quiz.pk, answers={"q1": "x"})
        assert not AuditLog.objects.filter(
            action="assessment.attempt_submitted"
        ).exists()

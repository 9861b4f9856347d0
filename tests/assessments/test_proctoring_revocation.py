"""What invalidation (and a regrade below the passing score) undoes: the module
completion a required assessment's pass earned, the course completion and the
certificate, unless another passed attempt at the same assessment stands."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from assessments.models import Attempt
from assessments.services import (
    assessment_create,
    attempt_grade_manual,
    attempt_submit,
)
from content.models import ModulePage
from learning.models import Certificate, Enrollment, EnrollmentStatus, ModuleProgress
from learning.services import module_progress_record
from portal.audit.models import AuditLog
from portal.errors import Conflict
from tests.portal.auth_helpers import signed_in

from .test_grading_manual import ANSWERS, ESSAYS, full
from .test_proctoring import make_exam, start, started, submit

pytestmark = pytest.mark.django_db

REASON = "Second phone seen on camera."
WRONG = {"q1": 0}


def modules(course) -> dict[str, ModulePage]:
    return {m.title: m for m in ModulePage.objects.child_of(course).live()}


@pytest.fixture
def required_exam(make_assessment, course):
    """A proctored exam whose pass completes the mandatory "Firewalls" module."""
    return make_exam(
        make_assessment,
        module_id=modules(course)["Firewalls"].pk,
        required_for_completion=True,
    )


@pytest.fixture
def staff(instructor):
    client = APIClient()
    signed_in(client, instructor)
    return client


@pytest.fixture
def intro_done(learner, course):
    module_progress_record(
        actor=learner,
        course_id=course.pk,
        module_id=modules(course)["Intro"].pk,
        completed=True,
    )


def take(client, exam, answers=None) -> int:
    """Start and submit an attempt; returns its id."""
    attempt_id, token = started(client, exam)
    kwargs = {} if answers is None else {"answers": answers}
    response = submit(client, exam, token=token, **kwargs)
    assert response.status_code == 201, response.content
    return attempt_id


def invalidate(client, attempt_id, reason=REASON):
    return client.post(
        f"/api/v1/attempts/{attempt_id}/invalidate", {"reason": reason}, format="json"
    )


def verify(certificate):
    return APIClient().post(
        f"/api/v1/certificates/{certificate.pk}/verify",
        {"certificate_number": certificate.number},
        format="json",
    )


def firewalls_done(learner, course) -> bool:
    return ModuleProgress.objects.filter(
        user=learner, module=modules(course)["Firewalls"], completed_at__isnull=False
    ).exists()


class TestInvalidationRevokes:
    def test_a_cheated_pass_loses_module_course_and_certificate(
        self,
        learner_client,
        learner,
        staff,
        instructor,
        required_exam,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            attempt_id = take(learner_client, required_exam)
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED
        certificate = Certificate.objects.get(user=learner, course=course)
        assert verify(certificate).json()["data"]["valid"] is True

        response = invalidate(staff, attempt_id)

        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["status"] == "invalidated"
        assert data["completion_revoked"] is True
        assert data["course_completion_revoked"] is True
        assert data["certificate_revoked"] is True
        assert not firewalls_done(learner, course)
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert enrollment.completed_at is None
        assert enrollment.progress_percentage == Decimal("50.00")
        certificate.refresh_from_db()
        assert certificate.revoked_at is not None
        assert certificate.revoked_by == instructor
        assert REASON in certificate.revoked_reason
        assert "invalidated" in certificate.revoked_reason
        verified = verify(certificate).json()["data"]
        assert verified["valid"] is False
        assert verified["revoked"] is True
        entry = AuditLog.objects.get(action="assessment.attempt_invalidated")
        assert entry.details["completion_revoked"] is True
        assert entry.details["certificate_revoked"] is True
        assert entry.details["certificate_id"] == certificate.pk
        revoked = AuditLog.objects.get(action="module.completion_revoked")
        assert revoked.user == instructor
        assert revoked.details["learner_id"] == learner.pk
        assert AuditLog.objects.filter(action="certificate.revoked").count() == 1
        # The learner's own view of the course agrees.
        progress = learner_client.get(f"/api/v1/courses/{course.pk}/progress")
        assert progress.status_code == 200
        assert Decimal(str(progress.json()["data"]["progress_percentage"])) == 50
        # The module cannot be completed by hand: the exam must be passed again.
        with pytest.raises(Conflict) as caught:
            module_progress_record(
                actor=learner,
                course_id=course.pk,
                module_id=modules(course)["Firewalls"].pk,
                completed=True,
            )
        assert caught.value.code == "COMPLETION_REQUIRES_ASSESSMENT"

    def test_passing_again_completes_the_course_again(
        self, learner_client, learner, staff, required_exam, course, intro_done
    ):
        attempt_id = take(learner_client, required_exam)
        assert invalidate(staff, attempt_id).json()["data"]["completion_revoked"]

        take(learner_client, required_exam)

        assert firewalls_done(learner, course)
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED

    def test_another_valid_pass_keeps_everything(
        self,
        learner_client,
        learner,
        staff,
        required_exam,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = take(learner_client, required_exam)
            take(learner_client, required_exam)

        data = invalidate(staff, first).json()["data"]

        assert data["completion_revoked"] is False
        assert data["course_completion_revoked"] is False
        assert data["certificate_revoked"] is False
        assert firewalls_done(learner, course)
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert Certificate.objects.get(user=learner).revoked_at is None
        assert not AuditLog.objects.filter(action="module.completion_revoked").exists()

    def test_a_failed_attempt_revokes_nothing(
        self,
        learner_client,
        learner,
        staff,
        required_exam,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            failed = take(learner_client, required_exam, answers=WRONG)
            take(learner_client, required_exam)
        assert Attempt.objects.get(pk=failed).passed is False

        data = invalidate(staff, failed).json()["data"]

        assert data["completion_revoked"] is False
        assert data["certificate_revoked"] is False
        assert firewalls_done(learner, course)
        assert Certificate.objects.get(user=learner).revoked_at is None

    def test_an_attempt_in_progress_revokes_nothing(
        self, learner_client, learner, staff, required_exam, course, intro_done
    ):
        attempt_id, _token = started(learner_client, required_exam)
        data = invalidate(staff, attempt_id).json()["data"]
        assert data["completion_revoked"] is False
        assert data["certificate_revoked"] is False

    def test_a_pass_of_an_assessment_not_required_revokes_nothing(
        self, learner_client, learner, staff, make_assessment, course, intro_done
    ):
        exam = make_exam(make_assessment, module_id=modules(course)["Firewalls"].pk)
        module_progress_record(
            actor=learner,
            course_id=course.pk,
            module_id=modules(course)["Firewalls"].pk,
            completed=True,
        )
        attempt_id = take(learner_client, exam)

        data = invalidate(staff, attempt_id).json()["data"]

        assert data["completion_revoked"] is False
        assert firewalls_done(learner, course)

    def test_the_review_screen_says_what_was_revoked(
        self,
        home_page,
        learner_client,
        learner,
        instructor,
        required_exam,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        from django.test import Client
        from django.urls import reverse

        with django_capture_on_commit_callbacks(execute=True):
            attempt_id = take(learner_client, required_exam)
        web = Client()
        web.force_login(instructor)

        done = web.post(
            reverse("assessments_proctoring_invalidate", args=[attempt_id]),
            {"reason": REASON},
            follow=True,
        )

        assert "certificate is revoked" in done.content.decode()
        assert Certificate.objects.get(user=learner).revoked_at is not None


# --- Regrading ----------------------------------------------------------------------


@pytest.fixture
def required_essay(course, instructor):
    return assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Final essay",
        assessment_type="assignment",
        questions=ESSAYS,
        passing_score=70,
        max_attempts=3,
        module_id=modules(course)["Firewalls"].pk,
        required_for_completion=True,
    )


class TestRegradeRevokes:
    def test_a_regrade_below_passing_takes_the_completion_back(
        self,
        learner,
        instructor,
        required_essay,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            attempt = attempt_submit(
                actor=learner, assessment_id=required_essay.pk, answers=ANSWERS
            )
            attempt_grade_manual(actor=instructor, attempt_id=attempt.pk, grades=full())
        certificate = Certificate.objects.get(user=learner)
        assert firewalls_done(learner, course)

        regraded = attempt_grade_manual(
            actor=instructor, attempt_id=attempt.pk, grades=full(e1=0, e2=0)
        )

        assert regraded.passed is False
        assert not firewalls_done(learner, course)
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.ACTIVE
        certificate.refresh_from_db()
        assert certificate.revoked_at is not None
        assert "regraded" in certificate.revoked_reason
        entry = AuditLog.objects.filter(action="assessment.attempt_graded").latest("pk")
        assert entry.details["regrade"] is True
        assert entry.details["completion_revoked"] is True
        assert entry.details["certificate_revoked"] is True

    def test_a_regrade_that_still_passes_or_another_pass_keeps_it(
        self,
        learner,
        instructor,
        required_essay,
        course,
        intro_done,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = attempt_submit(
                actor=learner, assessment_id=required_essay.pk, answers=ANSWERS
            )
            attempt_grade_manual(actor=instructor, attempt_id=first.pk, grades=full())
            second = attempt_submit(
                actor=learner, assessment_id=required_essay.pk, answers=ANSWERS
            )
            attempt_grade_manual(actor=instructor, attempt_id=second.pk, grades=full())

        attempt_grade_manual(
            actor=instructor, attempt_id=first.pk, grades=full(e1=3, e2=4)
        )  # 80%: still passing
        attempt_grade_manual(
            actor=instructor, attempt_id=first.pk, grades=full(e1=0, e2=0)
        )  # failing, but the second attempt still passes

        assert firewalls_done(learner, course)
        assert Certificate.objects.get(user=learner).revoked_at is None
        assert not AuditLog.objects.filter(action="module.completion_revoked").exists()


def test_after_invalidation_the_next_start_is_a_new_attempt(
    learner_client, staff, required_exam, intro_done
):
    """An invalidated attempt cannot be resumed; the next start is a new attempt."""
    attempt_id, _token = started(learner_client, required_exam)
    assert invalidate(staff, attempt_id).status_code == 200
    response = start(learner_client, required_exam)
    assert response.status_code == 201
    assert response.json()["data"]["id"] != attempt_id

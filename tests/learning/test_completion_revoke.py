"""Taking a module completion back (``module_completion_revoke``): the module, the
course percentage, the enrollment's completion and its certificate."""

from decimal import Decimal

import pytest

from content.models import ModulePage
from learning.models import Certificate, Enrollment, EnrollmentStatus, ModuleProgress
from learning.services import (
    CompletionRevoked,
    enrollment_cancel,
    enrollment_create,
    module_completion_revoke,
    module_progress_record,
)
from learning.services.certificates import certificate_verify
from portal.audit.models import AuditLog
from portal.errors import InvalidInput
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "The exam that completed it was invalidated."


def modules(course) -> dict[str, ModulePage]:
    return {m.title: m for m in ModulePage.objects.child_of(course).live()}


@pytest.fixture
def graduate(course, django_capture_on_commit_callbacks):
    """A learner who completed every module of ``course`` and holds its certificate."""
    user = UserFactory()
    enrollment_create(actor=user, course_id=course.pk)
    with django_capture_on_commit_callbacks(execute=True):
        for module in modules(course).values():
            module_progress_record(
                actor=user, course_id=course.pk, module_id=module.pk, completed=True
            )
    assert Certificate.objects.filter(user=user, revoked_at__isnull=True).exists()
    return user


class TestModuleCompletionRevoke:
    def test_a_required_module_reopens_the_course_and_revokes_the_certificate(
        self, graduate, course, instructor
    ):
        firewalls = modules(course)["Firewalls"]

        result = module_completion_revoke(
            user=graduate, module=firewalls, reason=REASON, actor=instructor
        )

        certificate = Certificate.objects.get(user=graduate)
        assert result == CompletionRevoked(
            module_revoked=True,
            enrollment_reopened=True,
            certificate_revoked=True,
            certificate_id=certificate.pk,
        )
        progress = ModuleProgress.objects.get(user=graduate, module=firewalls)
        assert progress.completed_at is None
        enrollment = Enrollment.objects.get(user=graduate, course=course)
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert enrollment.completed_at is None
        assert enrollment.progress_percentage == Decimal("50.00")
        assert certificate.revoked_at is not None
        assert certificate.revoked_reason == REASON
        assert certificate.revoked_by == instructor
        verification = certificate_verify(number=certificate.number)
        assert verification.revoked
        assert not verification.valid
        entry = AuditLog.objects.get(action="module.completion_revoked")
        assert entry.user == instructor
        assert entry.resource_type == "module"
        assert entry.resource_id == str(firewalls.pk)
        assert entry.details["learner_id"] == graduate.pk
        assert entry.details["reason"] == REASON
        assert entry.details["enrollment_reopened"] is True
        assert entry.details["certificate_id"] == certificate.pk
        assert entry.details["previous_enrollment"]["status"] == "completed"
        assert AuditLog.objects.filter(action="certificate.revoked").count() == 1

    def test_completing_the_module_again_completes_the_course_again(
        self, graduate, course, django_capture_on_commit_callbacks
    ):
        firewalls = modules(course)["Firewalls"]
        module_completion_revoke(user=graduate, module=firewalls, reason=REASON)

        with django_capture_on_commit_callbacks(execute=True):
            result = module_progress_record(
                actor=graduate,
                course_id=course.pk,
                module_id=firewalls.pk,
                completed=True,
            )

        assert result.course_completed_now
        assert result.enrollment.status == EnrollmentStatus.COMPLETED

    def test_an_optional_module_leaves_the_course_completed(self, graduate, course):
        extra = modules(course)["Extra reading"]

        result = module_completion_revoke(user=graduate, module=extra, reason=REASON)

        assert result.module_revoked
        assert not result.enrollment_reopened
        assert not result.certificate_revoked
        assert (
            ModuleProgress.objects.get(user=graduate, module=extra).completed_at is None
        )
        enrollment = Enrollment.objects.get(user=graduate, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert enrollment.completed_at is not None
        assert Certificate.objects.get(user=graduate).revoked_at is None

    def test_a_module_not_completed_changes_nothing(self, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        firewalls = modules(course)["Firewalls"]

        result = module_completion_revoke(user=student, module=firewalls, reason=REASON)

        assert result == CompletionRevoked()
        assert not AuditLog.objects.filter(action="module.completion_revoked").exists()

    def test_a_learner_never_enrolled_changes_nothing(self, course, student):
        result = module_completion_revoke(
            user=student, module=modules(course)["Intro"], reason=REASON
        )
        assert result == CompletionRevoked()

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_a_reason_is_required(self, graduate, course, reason):
        with pytest.raises(InvalidInput) as caught:
            module_completion_revoke(
                user=graduate, module=modules(course)["Intro"], reason=reason
            )
        assert caught.value.field == "reason"
        assert (
            ModuleProgress.objects.filter(
                user=graduate, completed_at__isnull=True
            ).count()
            == 0
        )

    def test_a_cancelled_enrollment_does_not_come_back_completed(
        self, graduate, course
    ):
        enrollment = Enrollment.objects.get(user=graduate, course=course)
        enrollment_cancel(enrollment=enrollment, actor=graduate)

        result = module_completion_revoke(
            user=graduate, module=modules(course)["Intro"], reason=REASON
        )

        assert result.enrollment_reopened
        assert result.certificate_revoked
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.CANCELLED
        assert enrollment.completed_at is None
        again = enrollment_create(actor=graduate, course_id=course.pk)
        assert again.status == EnrollmentStatus.ACTIVE

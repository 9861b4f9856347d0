"""Reads: who may see which assessment and whose attempts."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from content.models import CoursePage
from content.services import is_course_manager
from learning.models import Enrollment, EnrollmentStatus
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import NotFound, PermissionDenied

from .models import Assessment, Attempt


def enrolled_q(user: User, course_field: str = "course") -> Exists:
    return Exists(
        Enrollment.objects.filter(user=user, course_id=OuterRef(course_field)).exclude(
            status=EnrollmentStatus.CANCELLED
        )
    )


def assessment_visible_filter(user: User) -> Q:
    """The one visibility rule: admins see all; a course's instructor its course's
    assessments; learners those of courses they are enrolled in (not cancelled)."""
    if is_admin(user):
        return Q()
    return Q(course__instructor=user) | Q(enrolled_q(user))


def _refuse(course_id: int) -> None:
    # A live course is public: seeing it but not its assessments is a 403. Drafts
    # and unknown ids stay private: 404.
    if CoursePage.objects.filter(pk=course_id, live=True).exists():
        raise PermissionDenied("Enroll in the course to see its assessments.")
    raise NotFound("Assessment not found.")


def assessment_get(*, actor: User, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("course")
        .filter(assessment_visible_filter(actor), pk=assessment_id)
        .first()
    )
    if assessment is None:
        course_id = (
            Assessment.objects.filter(pk=assessment_id)
            .values_list("course_id", flat=True)
            .first()
        )
        if course_id is None:
            raise NotFound("Assessment not found.")
        _refuse(course_id)
    return assessment


def attempts_used(*, user: User, assessment: Assessment) -> int:
    return Attempt.objects.filter(user=user, assessment=assessment).count()


def attempt_list(*, actor: User, assessment: Assessment) -> QuerySet[Attempt]:
    """The learner's own attempts; all attempts for the course's managers."""
    attempts = Attempt.objects.filter(assessment=assessment).select_related("user")
    if not is_course_manager(actor, assessment.course):
        attempts = attempts.filter(user=actor)
    return attempts.order_by("user_id", "attempt_number")


def attempt_get(*, actor: User, attempt_id: int) -> Attempt:
    """One attempt: its learner, the course's instructor, admins; else 404 (an
    attempt's existence is private)."""
    attempts = Attempt.objects.select_related(
        "assessment", "assessment__course", "user"
    )
    if not is_admin(actor):
        attempts = attempts.filter(
            Q(user=actor) | Q(assessment__course__instructor=actor)
        )
    attempt = attempts.filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound("Attempt not found.")
    return attempt

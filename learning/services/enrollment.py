"""Enrollment: enroll in a live course (capacity, prerequisites, payment), leave it,
and the lock every write on a learner's rows in a course takes first."""

from __future__ import annotations

from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from content.models import CoursePage
from content.services.videos import video_viewer_cache_reset
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, DomainError, NotFound, PermissionDenied
from portal.notifications.services import notify

from ..models import Enrollment, EnrollmentSource, EnrollmentStatus


class PaymentRequired(DomainError):
    code = "PAYMENT_REQUIRED"
    status = 402


def _live_course_for_update(course_id: int) -> CoursePage:
    course = (
        CoursePage.objects.select_for_update(of=("self",))
        .filter(pk=course_id, live=True, archived_at__isnull=True)
        .first()
    )
    if course is None:
        raise NotFound("Course not found.")
    return course


def _seats_taken(course: CoursePage) -> int:
    return Enrollment.objects.filter(course=course).active().count()


def _missing_prerequisites(user: User, course: CoursePage) -> list[CoursePage]:
    completed = set(
        Enrollment.objects.filter(
            user=user, status=EnrollmentStatus.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [p for p in course.prerequisites.all() if p.pk not in completed]


# --- Enrollment --------------------------------------------------------------------


def enrollment_lock(*, user_id: int, course_id: int) -> Enrollment | None:
    """Lock the learner's enrollment row in a course, whatever its status, and return
    it (with its course); ``None`` when the learner never enrolled.

    The lock order of every write on a learner's rows in a course: this row first,
    then the rows under it (module progress, an attempt, its proctoring session), so
    the learner's racing requests run one after the other and a staff write (grading,
    invalidation) never deadlocks with them. Callers that need an active enrollment
    check ``is_active``; a cancelled one is locked too, because taking back a
    completion changes it as well.

    Only the enrollment row is locked (``of=("self",)``), not the course page. On
    SQLite ``select_for_update`` does nothing and the caller's transaction (begun
    ``IMMEDIATE``) holds the database's write lock instead; so the lock must run
    inside the caller's transaction on every database, or it would protect nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "enrollment_lock must run inside the caller's transaction."
        )
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(user_id=user_id, course_id=course_id)
        .first()
    )


@transaction.atomic
def enrollment_create(
    *,
    actor: User,
    course_id: int,
    user: User | None = None,
    source: str = EnrollmentSource.SELF,
) -> Enrollment:
    """Enroll ``user`` (by default the ``actor`` themself) in a live, non-archived
    course.

    Errors: ``NotFound`` (missing, draft or archived course), ``ALREADY_ENROLLED``,
    ``COURSE_FULL`` (capacity reached; the course row is locked so racing requests
    cannot over-fill it), ``PREREQUISITES_NOT_MET`` (admins may override),
    ``PAYMENT_REQUIRED`` (a paid course needs a payment, corporate or admin source).
    ``actor`` is who asked: the learner, or an admin enrolling someone.
    """
    user = user or actor
    by_admin = is_admin(actor)
    if source == EnrollmentSource.ADMIN and not by_admin:
        raise PermissionDenied("Only administrators may enroll others.")
    course = _live_course_for_update(course_id)
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is not None and enrollment.is_active:
        raise Conflict(
            "You are already enrolled in this course.", code="ALREADY_ENROLLED"
        )
    if not by_admin:
        missing = _missing_prerequisites(user, course)
        if missing:
            raise Conflict(
                "Complete the prerequisite courses first: "
                + ", ".join(p.title for p in missing)
                + ".",
                code="PREREQUISITES_NOT_MET",
            )
    free_sources = (
        EnrollmentSource.PAYMENT,
        EnrollmentSource.CORPORATE,
        EnrollmentSource.ADMIN,
    )
    if course.price > 0 and source not in free_sources:
        raise PaymentRequired("This course requires payment before enrollment.")
    if course.capacity is not None and _seats_taken(course) >= course.capacity:
        raise Conflict("This course is full.", code="COURSE_FULL")

    now = timezone.now()
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            user=user, course=course, source=source, enrolled_at=now
        )
    else:  # re-enrolling after cancelling: the same row, progress kept
        enrollment.status = (
            EnrollmentStatus.COMPLETED
            if enrollment.completed_at
            else EnrollmentStatus.ACTIVE
        )
        enrollment.cancelled_at = None
        enrollment.source = source
        enrollment.save(update_fields=["status", "cancelled_at", "source"])
    audit_log_record(
        action="enrollment.created",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"learner_id": user.pk, "source": source},
    )
    # Cached "may not watch" answers for the course's videos must not outlive this.
    video_viewer_cache_reset(user_id=user.pk)
    notify(
        user=user,
        event="learning.enrollment_confirmed",
        payload={"course_title": course.title, "course_url": course.url or ""},
    )
    return enrollment


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, actor: User) -> Enrollment:
    """Unenroll; the enrollment, its progress and any certificate are kept."""
    if actor.pk != enrollment.user_id and not is_admin(actor):
        raise PermissionDenied("You may only leave your own courses.")
    enrollment = enrollment_lock(
        user_id=enrollment.user_id, course_id=enrollment.course_id
    )
    if enrollment.is_active:
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.cancelled_at = timezone.now()
        enrollment.save(update_fields=["status", "cancelled_at"])
        audit_log_record(
            action="enrollment.cancelled",
            user=actor,
            resource_type="course",
            resource_id=enrollment.course_id,
            details={"learner_id": enrollment.user_id},
        )
        # Cached "may watch" answers for the course's videos must end now.
        video_viewer_cache_reset(user_id=enrollment.user_id)
    return enrollment

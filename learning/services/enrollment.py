"""Enrollment: enroll in a live course (capacity, prerequisites, payment), leave it,
and the lock every write on a learner's rows in a course takes first."""

from __future__ import annotations

from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from content.models import CoursePage
from content.services.videos import video_viewer_cache_reset
from portal import hooks as portal_hooks
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from portal.notifications.services import notify
from portal.queries import locked_row
from portal.webhooks.services import webhook_event_emit

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


def _require_free_seat(course: CoursePage) -> None:
    """Capacity: the caller holds the course row's lock (``_live_course_for_update``),
    so racing enrollments cannot both take the last seat."""
    if course.capacity is not None and _seats_taken(course) >= course.capacity:
        raise Conflict("This course is full.", code="COURSE_FULL")


def _reactivate(enrollment: Enrollment, *, source: str) -> None:
    """A cancelled enrollment comes back: the same row, its progress kept (completed
    if it was completed)."""
    enrollment.status = (
        EnrollmentStatus.COMPLETED
        if enrollment.completed_at
        else EnrollmentStatus.ACTIVE
    )
    enrollment.cancelled_at = None
    enrollment.source = source
    enrollment.save(update_fields=["status", "cancelled_at", "source"])


def _missing_prerequisites(user: User, course: CoursePage) -> list[CoursePage]:
    completed = set(
        Enrollment.objects.filter(
            user=user, status=EnrollmentStatus.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [p for p in course.prerequisites.all() if p.pk not in completed]


def _enrollment_refusal_raise(
    *,
    user: User,
    course: CoursePage,
    enrollment: Enrollment | None,
    source: str,
    by_admin: bool,
) -> None:
    """Raise what keeps ``user`` out of ``course`` now, if anything (the rules of
    ``enrollment_create``, in its order)."""
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
    _require_free_seat(course)


def enrollment_refusal_check(*, user: User, course_id: int, source: str) -> None:
    """Raise the error ``enrollment_create`` would raise for ``user`` in the course
    now, without enrolling or locking anything: a checkout asks before the learner
    pays. The answer may change before the payment arrives (the last seat taken),
    so ``enrollment_create`` checks again under its lock."""
    course = CoursePage.objects.filter(
        pk=course_id, live=True, archived_at__isnull=True
    ).first()
    if course is None:
        raise NotFound("Course not found.")
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    _enrollment_refusal_raise(
        user=user,
        course=course,
        enrollment=enrollment,
        source=source,
        by_admin=False,
    )


# --- Enrollment --------------------------------------------------------------------


def enrollment_lock(*, user_id: int, course_id: int) -> Enrollment | None:
    """Lock the learner's enrollment row in a course, whatever its status, and return
    it; ``None`` when the learner never enrolled.

    The lock order of every write on a learner's rows in a course: this row first,
    then the rows under it (module progress, an attempt, its proctoring session), so
    the learner's racing requests run one after the other and a staff write (grading,
    invalidation) never deadlocks with them. Callers that need an active enrollment
    check ``is_active``; a cancelled one is locked too, because taking back a
    completion changes it as well.

    Only the enrollment row is read and locked: ``enrollment.course`` is loaded when
    used (the writes on a learner's hot path, progress and attempts, need only its
    id). On SQLite ``select_for_update`` does nothing and the caller's transaction
    (begun ``IMMEDIATE``) holds the database's write lock instead; so the lock must
    run inside the caller's transaction on every database, or it would protect
    nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "enrollment_lock must run inside the caller's transaction."
        )
    # User and course are unique together.
    return locked_row(Enrollment, user_id=user_id, course_id=course_id)


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
    _enrollment_refusal_raise(
        user=user,
        course=course,
        enrollment=enrollment,
        source=source,
        by_admin=by_admin,
    )

    now = timezone.now()
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            user=user, course=course, source=source, enrolled_at=now
        )
    else:  # re-enrolling after cancelling: the same row, progress kept
        _reactivate(enrollment, source=source)
    audit_log_record(
        action="enrollment.created",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"learner_id": user.pk, "source": source},
    )
    webhook_event_emit(
        event="enrollment.created",
        data={
            "enrollment_id": enrollment.pk,
            "user_id": user.pk,
            "course_id": course.pk,
            "source": source,
            "enrolled_at": enrollment.enrolled_at,
        },
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
def enrollment_create_requested(
    *, actor: User, course_id: int, user_id: int | None = None
) -> Enrollment:
    """Who is being enrolled, and how: the one decision behind ``POST
    /courses/{id}/enroll``.

    Without ``user_id`` (or with the actor's own id) the actor enrolls themself. An
    administrator enrolls the user ``user_id`` (source ``admin``: no payment, no
    prerequisites; capacity and the 409 codes as for anyone). Anyone else asks the
    ``portal.hooks.ENROLL_ON_BEHALF`` answers (a corporate representative enrolls a
    member of her organization on a seat); when none applies the request is refused
    (403): nobody is ever enrolled in place of the person they named.

    Errors: those of ``enrollment_create``; ``NotFound`` for an unknown user;
    ``VALIDATION_ERROR`` (``user_id``) for a deactivated account.
    """
    if user_id is None or user_id == actor.pk:
        return enrollment_create(actor=actor, course_id=course_id)
    if is_admin(actor):
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound("User not found.")
        if not user.is_active:
            raise InvalidInput("This account is deactivated.", field="user_id")
        return enrollment_create(
            actor=actor, course_id=course_id, user=user, source=EnrollmentSource.ADMIN
        )
    enrollment = portal_hooks.enroll_on_behalf_first(
        actor=actor, course_id=course_id, user_id=user_id
    )
    if enrollment is None:
        raise PermissionDenied("You may only enroll yourself.")
    return enrollment


@transaction.atomic
def enrollment_reopen(*, actor: User, enrollment: Enrollment) -> Enrollment:
    """An administrator gives a learner back a cancelled enrollment: the same row,
    its progress and source kept (a paid enrollment stays paid). The course must be
    live and not archived, and a seat free (``COURSE_FULL``); an active enrollment
    is ``ALREADY_ENROLLED``. Audited as ``enrollment.reopened``."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators may reopen enrollments.")
    # The lock order of enrollment_create: the course row, then the enrollment.
    course = _live_course_for_update(enrollment.course_id)
    enrollment = enrollment_lock(user_id=enrollment.user_id, course_id=course.pk)
    if enrollment.is_active:
        raise Conflict("This enrollment is not cancelled.", code="ALREADY_ENROLLED")
    _require_free_seat(course)
    _reactivate(enrollment, source=enrollment.source)
    audit_log_record(
        action="enrollment.reopened",
        user=actor,
        resource_type="enrollment",
        resource_id=enrollment.pk,
        details={"learner_id": enrollment.user_id, "course_id": course.pk},
    )
    video_viewer_cache_reset(user_id=enrollment.user_id)
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
        # Other apps' consequences (a corporate seat returns to its pool).
        portal_hooks.enrollment_cancelled_notify(enrollment=enrollment, actor=actor)
        # Cached "may watch" answers for the course's videos must end now.
        video_viewer_cache_reset(user_id=enrollment.user_id)
    return enrollment

"""Writes on the learner's side: enrollment, progress and completion, mentorship.

Certificates are in ``learning.certificates``. Services lock what two requests could
race for (the course row for capacity, the enrollment row for progress) and enqueue
slow work (certificate PDFs) only after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CoursePage, ModulePage
from content.video_services import video_viewer_cache_reset
from portal.accounts.models import Role, User
from portal.accounts.permissions import is_admin
from portal.accounts.services import user_view_grant, user_view_revoke
from portal.audit.services import audit_log_record
from portal.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)

from .models import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LearningSession,
    MentorAssignment,
    ModuleProgress,
)
from .tasks import issue_certificate

SESSION_IDLE = timedelta(minutes=30)
MAX_SECONDS_PER_UPDATE = 24 * 60 * 60
MAX_POSITION_SECONDS = 7 * 24 * 60 * 60
HUNDRED = Decimal("100")

# Rules other apps add without this app importing them: each guard gets
# (user, module) and returns a reason why the learner may not mark the module complete
# by hand (e.g. "pass the required assessment"), or None.
CompletionGuard = Callable[[User, ModulePage], str | None]
completion_guards: list[CompletionGuard] = []


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
    return (
        Enrollment.objects.filter(course=course)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .count()
    )


def _missing_prerequisites(user: User, course: CoursePage) -> list[CoursePage]:
    completed = set(
        Enrollment.objects.filter(
            user=user, status=EnrollmentStatus.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [p for p in course.prerequisites.all() if p.pk not in completed]


# --- Enrollment --------------------------------------------------------------------


@transaction.atomic
def enrollment_create(
    *,
    user: User,
    course_id: int,
    source: str = EnrollmentSource.SELF,
    actor: User | None = None,
) -> Enrollment:
    """Enroll ``user`` in a live, non-archived course.

    Errors: ``NotFound`` (missing, draft or archived course), ``ALREADY_ENROLLED``,
    ``COURSE_FULL`` (capacity reached; the course row is locked so racing requests
    cannot over-fill it), ``PREREQUISITES_NOT_MET`` (admins may override),
    ``PAYMENT_REQUIRED`` (a paid course needs a payment, corporate or admin source).
    ``actor`` is who asked: the learner, or an admin enrolling someone.
    """
    actor = actor or user
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
    return enrollment


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, actor: User) -> Enrollment:
    """Unenroll; the enrollment, its progress and any certificate are kept."""
    if actor.pk != enrollment.user_id and not is_admin(actor):
        raise PermissionDenied("You may only leave your own courses.")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != EnrollmentStatus.CANCELLED:
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


# --- Progress and completion -------------------------------------------------------


@dataclass(frozen=True)
class ProgressResult:
    enrollment: Enrollment
    progress: ModuleProgress
    course_completed_now: bool


def _validated_seconds(value, field: str, maximum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput("Must be a number of seconds.", field=field)
    if value != value or value < 0 or value > maximum:  # NaN, negative, absurd
        raise InvalidInput(f"Must be between 0 and {maximum} seconds.", field=field)
    return int(value)


def _active_enrollment_for_update(user: User, course_id: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(user=user, course_id=course_id)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .first()
    )
    if enrollment is not None:
        return enrollment
    if CoursePage.objects.filter(pk=course_id, live=True).exists():
        raise PermissionDenied("You are not enrolled in this course.")
    raise NotFound("Course not found.")


def course_requirement_ids(course: CoursePage) -> list[int]:
    """The live modules that count towards completion: the mandatory ones (all of
    them if none is marked mandatory)."""
    modules = ModulePage.objects.child_of(course).live()
    mandatory = list(modules.filter(is_mandatory=True).values_list("pk", flat=True))
    return mandatory or list(modules.values_list("pk", flat=True))


def _recompute(enrollment: Enrollment) -> Decimal:
    required = course_requirement_ids(enrollment.course)
    if not required:
        return Decimal("0")
    done = ModuleProgress.objects.filter(
        user_id=enrollment.user_id, module_id__in=required, completed_at__isnull=False
    ).count()
    return (Decimal(done) * HUNDRED / Decimal(len(required))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _touch_session(user: User, course: CoursePage, seconds: int, now) -> None:
    session = (
        LearningSession.objects.filter(
            user=user, course=course, ended_at__gte=now - SESSION_IDLE
        )
        .order_by("-ended_at")
        .first()
    )
    if session is None:
        LearningSession.objects.create(
            user=user,
            course=course,
            started_at=now - timedelta(seconds=seconds),
            ended_at=now,
            time_spent=seconds,
            pages_viewed=1,
            interactions=1,
        )
        return
    session.ended_at = now
    session.time_spent += seconds
    session.interactions += 1
    session.pages_viewed += 1
    session.save(
        update_fields=["ended_at", "time_spent", "interactions", "pages_viewed"]
    )


@transaction.atomic
def module_progress_record(
    *,
    user: User,
    course_id: int,
    module_id: int,
    completed: bool | None = None,
    time_spent=None,
    last_position=None,
) -> ProgressResult:
    """Record a learner's activity on one module: add ``time_spent`` seconds, set the
    video ``last_position``, mark complete (or not). Recomputes the course percentage
    and completes the enrollment when every required module is done.

    Errors: 400 for negative, non-numeric or absurd values; 403 when not enrolled; 404
    when the module is not a live module of this course.
    """
    if completed is not None and not isinstance(completed, bool):
        raise InvalidInput("Must be true or false.", field="completed")
    seconds = _validated_seconds(time_spent, "time_spent", MAX_SECONDS_PER_UPDATE) or 0
    position = _validated_seconds(last_position, "last_position", MAX_POSITION_SECONDS)

    enrollment = _active_enrollment_for_update(user, course_id)
    course = enrollment.course
    module = ModulePage.objects.child_of(course).live().filter(pk=module_id).first()
    if module is None:
        raise NotFound("Module not found in this course.")
    if completed:
        for guard in completion_guards:
            reason = guard(user, module)
            if reason:
                raise Conflict(reason, code="COMPLETION_REQUIRES_ASSESSMENT")

    now = timezone.now()
    progress, _ = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"course": course}
    )
    progress.time_spent += seconds
    if position is not None:
        progress.last_position = position
    if completed is True and progress.completed_at is None:
        progress.completed_at = now
    elif completed is False:
        progress.completed_at = None
    progress.save()
    return _after_progress(enrollment, progress, module, seconds, now)


def _after_progress(enrollment, progress, module, seconds, now) -> ProgressResult:
    _touch_session(enrollment.user, enrollment.course, seconds, now)
    enrollment.last_accessed = now
    enrollment.last_module = module
    enrollment.progress_percentage = _recompute(enrollment)
    completed_now = (
        enrollment.progress_percentage >= HUNDRED
        and enrollment.status == EnrollmentStatus.ACTIVE
    )
    if completed_now:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = now
    enrollment.save(
        update_fields=[
            "last_accessed",
            "last_module",
            "progress_percentage",
            "status",
            "completed_at",
        ]
    )
    if completed_now:
        _on_enrollment_completed(enrollment)
    return ProgressResult(enrollment, progress, completed_now)


def _on_enrollment_completed(enrollment: Enrollment) -> None:
    audit_log_record(
        action="enrollment.completed",
        user=enrollment.user,
        resource_type="course",
        resource_id=enrollment.course_id,
    )
    enrollment_id = enrollment.pk
    transaction.on_commit(lambda: issue_certificate.delay(enrollment_id))


@transaction.atomic
def module_complete(*, user: User, module: ModulePage) -> ProgressResult | None:
    """Complete a module for a learner on another app's behalf (a passed required
    assessment). Does nothing when the learner is not enrolled."""
    course = module.get_parent().specific
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(user=user, course=course)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .first()
    )
    if enrollment is None:
        return None
    now = timezone.now()
    progress, _ = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"course": course}
    )
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at", "updated_at"])
    return _after_progress(enrollment, progress, module, 0, now)


# --- Mentorship --------------------------------------------------------------------


@transaction.atomic
def mentor_assign(
    *, mentor: User, mentee: User, assigned_by: User | None = None
) -> MentorAssignment:
    """Pair a mentor with a learner and let the mentor see the learner."""
    if mentor.role != Role.MENTOR:
        raise InvalidInput(
            "Only users with the mentor role can mentor.", field="mentor"
        )
    if mentor.pk == mentee.pk:
        raise InvalidInput("A mentor cannot mentor themselves.", field="mentee")
    try:
        with transaction.atomic():
            assignment = MentorAssignment.objects.create(
                mentor=mentor, mentee=mentee, assigned_by=assigned_by
            )
    except IntegrityError:
        raise Conflict("This mentor is already assigned to this learner.") from None
    user_view_grant(viewer=mentor, user=mentee)
    audit_log_record(
        action="mentorship.assigned",
        user=assigned_by,
        resource_type="user",
        resource_id=mentee.pk,
        details={"mentor_id": mentor.pk},
    )
    return assignment


@transaction.atomic
def mentor_unassign(
    *, assignment: MentorAssignment, ended_by: User | None = None
) -> None:
    """End an assignment; the mentor stops seeing the learner."""
    if assignment.ended_at is not None:
        return
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    user_view_revoke(viewer=assignment.mentor, user=assignment.mentee)
    audit_log_record(
        action="mentorship.ended",
        user=ended_by,
        resource_type="user",
        resource_id=assignment.mentee_id,
        details={"mentor_id": assignment.mentor_id},
    )

"""Progress and completion: a learner's activity on modules, the course percentage,
completing the enrollment (and through it the certificate), and taking a completion
back when what earned it no longer counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from content.models import WATCH_SHARE, CompletionRule, CoursePage, ModulePage
from content.selectors import module_video_seconds
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.hooks import completion_refusal
from portal.queries import locked_row
from portal.queue import enqueue_on_commit
from portal.webhooks.services import webhook_event_emit

from ..models import (
    Certificate,
    Enrollment,
    EnrollmentStatus,
    LearningSession,
    ModuleProgress,
)
from ..tasks import issue_certificate
from .certificates import certificate_revoke
from .enrollment import enrollment_lock

SESSION_IDLE = timedelta(minutes=30)
MAX_SECONDS_PER_UPDATE = 24 * 60 * 60
MAX_POSITION_SECONDS = 7 * 24 * 60 * 60
HUNDRED = Decimal("100")


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
    enrollment = enrollment_lock(user_id=user.pk, course_id=course_id)
    if enrollment is not None and enrollment.is_active:
        return enrollment
    if CoursePage.objects.filter(pk=course_id, live=True).exists():
        raise PermissionDenied("You are not enrolled in this course.")
    raise NotFound("Course not found.")


# Three statements of every progress report (a player reports every few seconds)
# are written in SQL: through the ORM, Wagtail's page queries cost about ten times
# their SQL in Python (2 ms against 0.2 ms per read, measured by ``make bench``).
def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "page": quote(Page._meta.db_table),
        "module": quote(ModulePage._meta.db_table),
        "module_key": quote(ModulePage._meta.pk.column),
        "progress": quote(ModuleProgress._meta.db_table),
        "session": quote(LearningSession._meta.db_table),
    }


@dataclass(frozen=True)
class ModuleRef:
    """A live module as recording progress needs it: its key, rule and place in
    the page tree (``path``, ``depth``: its course's other modules)."""

    pk: int
    path: str
    depth: int
    completion: str

    @classmethod
    def of(cls, module: ModulePage) -> ModuleRef:
        return cls(module.pk, module.path, module.depth, module.completion)

    @property
    def course_path(self) -> str:
        return self.path[: -ModulePage.steplen]

    def page(self) -> ModulePage:
        """The module itself, for the rules that read its body (videos) or other
        apps' guards."""
        return ModulePage.objects.get(pk=self.pk)


def _live_module_of(*, course_id: int, module_id: int) -> ModuleRef | None:
    """Module ``module_id`` if it is a live child of course ``course_id``: one query
    by the module's key."""
    # Quoted table names from the models; every value is a parameter.
    sql = (  # noqa: S608
        "SELECT pg.path, pg.depth, m.completion FROM {page} pg "
        "JOIN {module} m ON m.{module_key} = pg.id "
        "JOIN {page} c ON c.id = %s "
        "WHERE pg.id = %s AND pg.live AND pg.depth = c.depth + 1 "
        "AND pg.path LIKE c.path || '%%'"
    ).format(**_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [course_id, module_id])
        row = cursor.fetchone()
    return None if row is None else ModuleRef(module_id, *row)


def course_percentage(*, user_id: int, course_path: str, module_depth: int) -> Decimal:
    """The share of the course's required modules (its live modules, at
    ``course_path`` in the page tree: the mandatory ones, or all of them if none is
    marked mandatory) that the learner completed: one query."""
    sql = (  # noqa: S608 (as above)
        "SELECT m.is_mandatory, EXISTS (SELECT 1 FROM {progress} p "
        "WHERE p.user_id = %s AND p.module_id = m.{module_key} "
        "AND p.completed_at IS NOT NULL) "
        "FROM {page} pg JOIN {module} m ON m.{module_key} = pg.id "
        "WHERE pg.path LIKE %s AND pg.depth = %s AND pg.live"
    ).format(**_tables())
    with connection.cursor() as cursor:
        # Tree paths are base-36 digits: nothing in them is a LIKE wildcard.
        cursor.execute(sql, [user_id, f"{course_path}%", module_depth])
        rows = cursor.fetchall()
    required = [bool(done) for mandatory, done in rows if mandatory]
    if not required:
        required = [bool(done) for _, done in rows]
    if not required:
        return Decimal("0")
    return (Decimal(sum(required)) * HUNDRED / Decimal(len(required))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


_BY_HAND_REFUSALS = {
    CompletionRule.PASS: (
        "COMPLETION_BY_ASSESSMENT",
        "This module is completed by passing its assessment, not by hand.",
    ),
    CompletionRule.FLAG: (
        "COMPLETION_BY_FLAGS",
        "This lab is completed by capturing every one of its flags, not by hand.",
    ),
}


def module_rule_refusal(
    *, module: ModulePage, watched: int, by_hand: bool
) -> Conflict | None:
    """Why ``module``'s own completion rule does not let it complete now (``None``:
    it does). ``by_hand``: the learner asks (``completed: true``), rather than a
    passed assessment completing it. ``watched``: the seconds of the module's video
    the learner has watched (the player's ``time_spent``).

    ``view`` modules complete by hand; ``watch`` modules once ``WATCH_SHARE`` of
    their ready videos is watched (a module whose video length is unknown, e.g.
    still transcoding, is completed by hand); ``pass`` and ``flag`` modules never by
    hand: ``module_complete``, called by the assessments app, completes them.
    """
    rule = module.completion or CompletionRule.VIEW
    if by_hand and rule in _BY_HAND_REFUSALS:
        code, message = _BY_HAND_REFUSALS[rule]
        return Conflict(message, code=code)
    if rule == CompletionRule.WATCH:
        # Whole seconds: the player reports watched time in whole seconds.
        needed = int(module_video_seconds(module=module) * WATCH_SHARE)
        if watched < needed:
            return Conflict(
                f"Watch at least {round(WATCH_SHARE * 100)} % of the video to "
                f"complete this module ({int(watched)} of {int(needed)} seconds "
                "so far).",
                code="COMPLETION_REQUIRES_WATCHING",
            )
    return None


def module_completion_refusal(
    *, user: User, module: ModulePage, watched: int, by_hand: bool
) -> Conflict | None:
    """The one completion rule: the module's own rule (``module_rule_refusal``),
    then what other apps add through ``portal.hooks.COMPLETION_GUARD`` (a required
    assessment passed first). ``None``: the module may be completed now."""
    refusal = module_rule_refusal(module=module, watched=watched, by_hand=by_hand)
    if refusal is not None:
        return refusal
    # Rules other apps add (a required assessment) without this app importing them.
    reason = completion_refusal(user=user, module=module)
    if reason:
        return Conflict(reason, code="COMPLETION_REQUIRES_ASSESSMENT")
    return None


def _touch_session(user_id: int, course_id: int, seconds: int, now) -> None:
    """Count this activity into the learner's current session in the course (the
    latest, if it ended less than ``SESSION_IDLE`` ago), or start one: a single
    UPDATE in the usual case."""
    sql = (  # noqa: S608 (as above)
        "UPDATE {table} SET ended_at = %s, time_spent = time_spent + %s, "
        "interactions = interactions + 1, pages_viewed = pages_viewed + 1 "
        "WHERE id = (SELECT id FROM {table} WHERE user_id = %s AND course_id = %s "
        "AND ended_at >= %s ORDER BY ended_at DESC LIMIT 1)"
    ).format(table=_tables()["session"])
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [adapt(now), seconds, user_id, course_id, adapt(now - SESSION_IDLE)]
        )
        updated = cursor.rowcount
    if not updated:
        LearningSession.objects.create(
            user_id=user_id,
            course_id=course_id,
            started_at=now - timedelta(seconds=seconds),
            ended_at=now,
            time_spent=seconds,
            pages_viewed=1,
            interactions=1,
        )


@transaction.atomic
def module_progress_record(
    *,
    actor: User,
    course_id: int,
    module_id: int,
    completed: bool | None = None,
    time_spent: object = None,
    last_position: object = None,
) -> ProgressResult:
    """Record a learner's activity on one module: add ``time_spent`` seconds, set the
    video ``last_position``, mark complete (or not). Recomputes the course percentage
    and completes the enrollment when every required module is done.

    Completion follows the module's rule (``module_completion_refusal``): only a
    ``view`` module is marked complete (or not done again) by hand; a ``watch``
    module completes by itself once enough of its video was watched (asking for it
    earlier is refused); ``pass`` and ``flag`` modules only through their assessment.

    Errors: 400 for negative, non-numeric or absurd values; 403 when not enrolled; 404
    when the module is not a live module of this course; 409 when the module's rule
    does not allow the requested completion (``COMPLETION_BY_ASSESSMENT``,
    ``COMPLETION_BY_FLAGS``, ``COMPLETION_REQUIRES_WATCHING``,
    ``COMPLETION_REQUIRES_ASSESSMENT``, ``COMPLETION_NOT_BY_HAND``).
    """
    if completed is not None and not isinstance(completed, bool):
        raise InvalidInput("Must be true or false.", field="completed")
    seconds = _validated_seconds(time_spent, "time_spent", MAX_SECONDS_PER_UPDATE) or 0
    position = _validated_seconds(last_position, "last_position", MAX_POSITION_SECONDS)

    enrollment = _active_enrollment_for_update(actor, course_id)
    module = _live_module_of(course_id=course_id, module_id=module_id)
    if module is None:
        raise NotFound("Module not found in this course.")

    now = timezone.now()
    # The row exists after the first report: read it in one statement (under the
    # enrollment's lock, taken above, as every write on the learner's rows).
    progress = locked_row(ModuleProgress, user_id=actor.pk, module_id=module.pk)
    if progress is None:
        progress, _ = ModuleProgress.objects.get_or_create(
            user=actor, module_id=module.pk, defaults={"course_id": course_id}
        )
    before = (progress.time_spent, progress.last_position, progress.completed_at)
    progress.time_spent += seconds
    if position is not None:
        progress.last_position = position
    if completed is False and progress.completed_at is not None:
        if module.completion != CompletionRule.VIEW:
            raise Conflict(
                "Only a module you mark complete yourself can be marked not done.",
                code="COMPLETION_NOT_BY_HAND",
            )
        progress.completed_at = None
    elif progress.completed_at is None and completed:
        refusal = module_completion_refusal(
            user=actor, module=module.page(), watched=progress.time_spent, by_hand=True
        )
        if refusal is not None:
            raise refusal
        progress.completed_at = now
    elif (
        progress.completed_at is None
        and seconds
        and module.completion == CompletionRule.WATCH
        and _watched_enough(actor, module.page(), progress.time_spent)
    ):
        # A watched video completes its module without being asked.
        progress.completed_at = now
    if before != (progress.time_spent, progress.last_position, progress.completed_at):
        progress.save(
            update_fields=["time_spent", "last_position", "completed_at", "updated_at"]
        )
    return _after_progress(enrollment, progress, module, seconds, now)


def _watched_enough(user: User, module: ModulePage, watched: int) -> bool:
    return (
        module_video_seconds(module=module) > 0
        and module_completion_refusal(
            user=user, module=module, watched=watched, by_hand=False
        )
        is None
    )


def _after_progress(
    enrollment: Enrollment,
    progress: ModuleProgress,
    module: ModuleRef,
    seconds: int,
    now,
) -> ProgressResult:
    """Session, last access and the course percentage after a module's progress
    changed."""
    # By id: loading the learner's row again (``enrollment.user``) is a query.
    _touch_session(enrollment.user_id, enrollment.course_id, seconds, now)
    enrollment.last_accessed = now
    enrollment.last_module_id = module.pk
    enrollment.progress_percentage = course_percentage(
        user_id=enrollment.user_id,
        course_path=module.course_path,
        module_depth=module.depth,
    )
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
    webhook_event_emit(
        event="enrollment.completed",
        data={
            "enrollment_id": enrollment.pk,
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
            "completed_at": enrollment.completed_at,
        },
    )
    enrollment_id = enrollment.pk
    enqueue_on_commit(issue_certificate, args=(enrollment_id,))


@transaction.atomic
def module_complete(*, user: User, module: ModulePage) -> ProgressResult | None:
    """Complete a module for a learner on another app's behalf (a passed required
    assessment, a lab's flags all captured). Does nothing when the learner is not
    enrolled, or when the module's own rule still waits (a ``watch`` module's video
    not watched yet: watching it completes the module then)."""
    course = module.get_parent().specific
    enrollment = enrollment_lock(user_id=user.pk, course_id=course.pk)
    if enrollment is None or not enrollment.is_active:
        return None
    now = timezone.now()
    progress, _ = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"course": course}
    )
    if progress.completed_at is None:
        refusal = module_rule_refusal(
            module=module, watched=progress.time_spent, by_hand=False
        )
        if refusal is not None:
            # A video not watched yet: the module completes when it is.
            return None
        progress.completed_at = now
        progress.save(update_fields=["completed_at", "updated_at"])
    return _after_progress(enrollment, progress, ModuleRef.of(module), 0, now)


@dataclass(frozen=True)
class CompletionRevoked:
    """What ``module_completion_revoke`` took back (all False: nothing to undo)."""

    module_revoked: bool = False
    enrollment_reopened: bool = False
    certificate_revoked: bool = False
    certificate_id: int | None = None


@transaction.atomic
def module_completion_revoke(
    *, user: User, module: ModulePage, reason: str, actor: User | None = None
) -> CompletionRevoked:
    """Take back a learner's completion of ``module`` on another app's behalf (the
    passed required assessment that completed it was invalidated or regraded to a
    fail).

    Clears the module's ``completed_at`` and recomputes the course percentage. If the
    course is then no longer complete, a completed enrollment becomes active again
    (``completed_at`` cleared; a cancelled one keeps its status but loses
    ``completed_at``, so enrolling again does not restore the completion) and its
    certificate is revoked with ``reason`` (``certificate_revoke``). The learner's
    time spent and video position are kept. Writes ``module.completion_revoked`` to
    the audit log (with what was undone) when there was anything to undo; ``actor``
    is who asked. Locks the enrollment row first (``enrollment_lock``).

    Errors: 400 empty ``reason``. A learner never enrolled, or a module not
    completed, changes nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the completion is taken back.", field="reason")
    course = module.get_parent().specific
    enrollment = enrollment_lock(user_id=user.pk, course_id=course.pk)
    if enrollment is None:
        return CompletionRevoked()
    progress = locked_row(ModuleProgress, user_id=user.pk, module_id=module.pk)
    if progress is None or progress.completed_at is None:
        return CompletionRevoked()
    progress.completed_at = None
    progress.save(update_fields=["completed_at", "updated_at"])

    previous = {
        "status": enrollment.status,
        "progress_percentage": enrollment.progress_percentage,
        "completed_at": enrollment.completed_at,
    }
    enrollment.progress_percentage = course_percentage(
        user_id=user.pk,
        course_path=ModuleRef.of(module).course_path,
        module_depth=module.depth,
    )
    reopened = False
    if enrollment.progress_percentage < HUNDRED and enrollment.completed_at:
        reopened = True
        enrollment.completed_at = None
        if enrollment.status == EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.save(update_fields=["progress_percentage", "status", "completed_at"])

    certificate = None
    if reopened:
        certificate = (
            Certificate.objects.filter(enrollment=enrollment, revoked_at__isnull=True)
            .only("pk")
            .first()
        )
        if certificate is not None:
            certificate_revoke(certificate=certificate, actor=actor, reason=reason)
    result = CompletionRevoked(
        module_revoked=True,
        enrollment_reopened=reopened,
        certificate_revoked=certificate is not None,
        certificate_id=certificate.pk if certificate is not None else None,
    )
    audit_log_record(
        action="module.completion_revoked",
        user=actor,
        resource_type="module",
        resource_id=module.pk,
        details={
            "learner_id": user.pk,
            "course_id": course.pk,
            "reason": reason[:2000],
            "previous_enrollment": previous,
            "progress_percentage": enrollment.progress_percentage,
            "enrollment_reopened": reopened,
            "certificate_id": result.certificate_id,
        },
    )
    return result

"""Staff review of proctored attempts: selectors, invalidation, session reset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from content.access import is_course_manager, managed_courses_q
from learning.services import CompletionRevoked
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, PermissionDenied

from ...models import (
    Assessment,
    Attempt,
    AttemptStatus,
    ProctorEvent,
    ProctorEventKind,
    ProctorSession,
)
from ...selectors import assessment_get, attempt_get
from ..completion import attempt_pass_withdraw
from ..locks import attempt_lock
from .sessions import (
    MAX_REASON_LENGTH,
    ClientInfo,
    attempt_flag,
    proctor_sessions_end,
)

ATTEMPT_NOT_IN_PROGRESS_CODE = "ATTEMPT_NOT_IN_PROGRESS"


def _require_manager(actor: User, assessment: Assessment) -> None:
    if not is_course_manager(user=actor, course=assessment.course):
        raise PermissionDenied(
            "Only the course's instructor or an admin may review proctoring."
        )


def _with_counts(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    sessions = (
        ProctorSession.objects.filter(attempt=OuterRef("pk"))
        .order_by()
        .values("attempt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    events = (
        ProctorEvent.objects.filter(attempt=OuterRef("pk"))
        .order_by()
        .values("attempt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    active = ProctorSession.objects.filter(
        attempt=OuterRef("pk"), ended_at__isnull=True
    )
    return attempts.annotate(
        sessions_count=Coalesce(Subquery(sessions, output_field=IntegerField()), 0),
        events_count=Coalesce(Subquery(events, output_field=IntegerField()), 0),
        session_active=Exists(active),
    )


def proctoring_attempt_list(
    *, actor: User, assessment_id: int, flagged: bool | None = None
) -> QuerySet[Attempt]:
    """Every attempt at an assessment for its course's managers, with
    ``sessions_count`` and ``events_count``; flagged first, newest first.

    Errors: 404 unknown or private assessment; 403 a visible assessment the actor
    does not manage (an enrolled learner, another instructor of a live course).
    """
    assessment = assessment_get(
        actor=actor, assessment_id=assessment_id, include_archived=True
    )
    _require_manager(actor, assessment)
    attempts = Attempt.objects.filter(assessment=assessment).select_related("user")
    if flagged is not None:
        attempts = attempts.filter(flagged=flagged)
    return _with_counts(attempts).order_by("-flagged", "-started_at", "-pk")


def flagged_attempt_list(*, actor: User) -> QuerySet[Attempt]:
    """Flagged attempts in the courses ``actor`` manages (admins: all), with counts,
    newest first: the admin review screen."""
    attempts = Attempt.objects.filter(flagged=True)
    attempts = attempts.filter(
        managed_courses_q(user=actor, prefix="assessment__course__")
    )
    attempts = attempts.select_related("user", "assessment", "assessment__course")
    return _with_counts(attempts).order_by("-started_at", "-pk")


def proctor_event_counts(*, attempt_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{attempt id: {kind: count}} with every kind present, in one query."""
    counts = {pk: dict.fromkeys(ProctorEventKind.values, 0) for pk in attempt_ids}
    rows = (
        ProctorEvent.objects.filter(attempt_id__in=list(counts))
        .order_by()
        .values_list("attempt_id", "kind")
        .annotate(n=Count("pk"))
    )
    for attempt_id, kind, n in rows:
        counts[attempt_id][kind] = n
    return counts


def proctoring_attempt_summary(*, attempt_id: int) -> Attempt:
    """One attempt already checked as visible, with the list's annotations
    (``sessions_count``, ``events_count``, ``session_active``) and its learner."""
    return _with_counts(
        Attempt.objects.filter(pk=attempt_id).select_related("user")
    ).get()


def proctoring_attempt_get(*, actor: User, attempt_id: int) -> Attempt:
    """An attempt for review by its course's managers.

    Errors: 404 an attempt the actor may not see (its existence is private); 403 the
    attempt's own learner (a learner does not review their proctoring record)."""
    attempt = attempt_get(actor=actor, attempt_id=attempt_id)
    if not is_course_manager(user=actor, course=attempt.assessment.course):
        raise PermissionDenied(
            "Only the course's instructor or an admin may review proctoring."
        )
    return attempt


def proctor_event_list(*, actor: User, attempt_id: int) -> QuerySet[ProctorEvent]:
    """An attempt's events in the order the server recorded them (errors as
    ``proctoring_attempt_get``)."""
    return attempt_events(
        attempt=proctoring_attempt_get(actor=actor, attempt_id=attempt_id)
    )


def attempt_events(*, attempt: Attempt) -> QuerySet[ProctorEvent]:
    """The events of an attempt already checked as visible, in recorded order."""
    return ProctorEvent.objects.filter(attempt=attempt).order_by("recorded_at", "pk")


# --- Invalidation ------------------------------------------------------------------


def _checked_reason(reason, missing: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(missing, field="reason")
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"At most {MAX_REASON_LENGTH} characters.", field="reason")
    if "\x00" in reason:  # PostgreSQL text and jsonb cannot store NUL
        raise InvalidInput("Must not contain NUL characters.", field="reason")
    return reason


@dataclass(frozen=True)
class Invalidation:
    """An invalidated attempt and what its withdrawn pass undid."""

    attempt: Attempt
    revoked: CompletionRevoked

    @property
    def completion_revoked(self) -> bool:
        return self.revoked.module_revoked

    @property
    def certificate_revoked(self) -> bool:
        return self.revoked.certificate_revoked


def _audit_staff_action(
    action: str,
    attempt: Attempt,
    *,
    actor: User,
    client: ClientInfo | None,
    reason: str,
    details: dict,
) -> None:
    """Audit a staff action on a learner's attempt, with who, from where and why."""
    client = client or ClientInfo()
    audit_log_record(
        action=action,
        user=actor,
        resource_type="attempt",
        resource_id=attempt.pk,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        details={
            "assessment_id": attempt.assessment_id,
            "learner_id": attempt.user_id,
            "attempt_number": attempt.attempt_number,
            "reason": reason,
            **details,
        },
    )


@transaction.atomic
def attempt_invalidate(
    *,
    actor: User,
    attempt_id: int,
    reason: str,
    client: ClientInfo | None = None,
) -> Invalidation:
    """Invalidate an attempt (cheating, a proctoring breach): status
    ``invalidated``, not passed, its session ended, an audit log entry written. The
    attempt still counts against the learner's ``max_attempts``.

    A *passed* attempt at a required assessment (one that completes its module)
    also loses what its pass earned, unless the learner has another passed attempt
    at the same assessment: the module's completion, and if the course is then no
    longer complete, the enrollment's completion and its certificate (revoked with
    the reason); see ``assessments.services.completion``. The result says what
    was undone.

    Only the course's instructor or an admin. Errors: 400 empty or over-long
    ``reason``; 404 an attempt the actor may not see; 403 its own learner; 409 an
    attempt already invalidated.
    """
    reason = _checked_reason(reason, "Say why the attempt is invalidated.")
    attempt = proctoring_attempt_get(actor=actor, attempt_id=attempt_id)
    locked = attempt_lock(attempt=attempt)
    if locked.status == AttemptStatus.INVALIDATED:
        raise Conflict("This attempt is already invalidated.")
    now = timezone.now()
    previous = {"status": locked.status, "passed": locked.passed}
    locked.status = AttemptStatus.INVALIDATED
    locked.passed = False
    locked.invalidated_at = now
    locked.invalidated_by = actor
    locked.invalidation_reason = reason
    locked.save(
        update_fields=[
            "status",
            "passed",
            "invalidated_at",
            "invalidated_by",
            "invalidation_reason",
        ]
    )
    proctor_sessions_end(attempt=locked, now=now)
    revoked = CompletionRevoked()
    if previous["passed"] is True:
        revoked = attempt_pass_withdraw(
            attempt=locked,
            actor=actor,
            reason=f"Attempt #{locked.attempt_number} at "
            f"\u201c{attempt.assessment.title}\u201d was invalidated: {reason}",
        )
    _audit_staff_action(
        "assessment.attempt_invalidated",
        locked,
        actor=actor,
        client=client,
        reason=reason,
        details={
            "previous_status": previous["status"],
            "previous_passed": previous["passed"],
            "completion_revoked": revoked.module_revoked,
            "enrollment_reopened": revoked.enrollment_reopened,
            "certificate_revoked": revoked.certificate_revoked,
            "certificate_id": revoked.certificate_id,
        },
    )
    return Invalidation(attempt=locked, revoked=revoked)


# --- Session reset -----------------------------------------------------------------


@transaction.atomic
def proctor_session_reset(
    *,
    actor: User,
    attempt_id: int,
    reason: str,
    client: ClientInfo | None = None,
) -> Attempt:
    """End a proctored attempt's active session on the learner's behalf (their
    browser crashed and its token is lost), so the learner can carry on.

    The learner's next ``attempt_start`` (``POST /assessments/{id}/start``, the
    resume call, without a token) finds no active session and opens a new one: the
    200 response carries the new ``proctor_token``. Until then any browser of the
    learner's may claim it, so reset only once the learner asks for it. The old
    token stops working at once. A ``session_reset`` event (who, why, how many
    sessions ended) is added to the attempt's timeline, the attempt is flagged (a
    new browser takes over: it belongs on the review screen) and
    ``assessment.proctor_session_reset`` is written to the audit log. Nothing else
    changes: answers, deadline and attempt count stay.

    Only the course's instructor or an admin. Errors: 400 empty or over-long
    ``reason``; 404 an attempt the actor may not see; 403 its own learner; 409
    ``ATTEMPT_NOT_IN_PROGRESS`` for a submitted, graded or invalidated attempt; 409
    ``CONFLICT`` for an attempt at an assessment that is not proctored.
    """
    reason = _checked_reason(reason, "Say why the session is reset.")
    attempt = proctoring_attempt_get(actor=actor, attempt_id=attempt_id)
    locked = attempt_lock(attempt=attempt)
    if locked.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(
            "Only an attempt in progress has a session to reset.",
            code=ATTEMPT_NOT_IN_PROGRESS_CODE,
        )
    if not attempt.assessment.proctored:
        raise Conflict("This attempt is not proctored: it has no session to reset.")
    now = timezone.now()
    active = list(
        ProctorSession.objects.select_for_update()
        .filter(attempt=locked, ended_at__isnull=True)
        .values_list("pk", flat=True)
    )
    ended = proctor_sessions_end(attempt=locked, now=now)
    ProctorEvent.objects.create(
        attempt=locked,
        session_id=active[0] if active else None,
        kind=ProctorEventKind.SESSION_RESET,
        occurred_at=now,
        details={
            "actor_id": actor.pk,
            "actor_email": actor.email,
            "reason": reason,
            "sessions_ended": ended,
        },
    )
    attempt_flag(attempt=locked)
    _audit_staff_action(
        "assessment.proctor_session_reset",
        locked,
        actor=actor,
        client=client,
        reason=reason,
        details={"sessions_ended": ended},
    )
    return locked

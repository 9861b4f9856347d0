"""Staff review of proctored attempts, and invalidation."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from content.services import is_course_manager
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, PermissionDenied

from ..models import (
    Assessment,
    Attempt,
    AttemptStatus,
    ProctorEvent,
    ProctorEventKind,
    ProctorSession,
)
from ..selectors import assessment_get, attempt_get
from .sessions import MAX_REASON_LENGTH, ClientInfo, proctor_sessions_end


def _require_manager(actor: User, assessment: Assessment) -> None:
    if not is_course_manager(actor, assessment.course):
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
    return attempts.annotate(
        sessions_count=Coalesce(Subquery(sessions, output_field=IntegerField()), 0),
        events_count=Coalesce(Subquery(events, output_field=IntegerField()), 0),
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
    if not is_admin(actor):
        attempts = attempts.filter(assessment__course__instructor=actor)
    attempts = attempts.select_related("user", "assessment", "assessment__course")
    return _with_counts(attempts).order_by("-started_at", "-pk")


def proctor_event_counts(attempt_ids) -> dict[int, dict[str, int]]:
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


def proctoring_attempt_get(*, actor: User, attempt_id: int) -> Attempt:
    """An attempt for review by its course's managers.

    Errors: 404 an attempt the actor may not see (its existence is private); 403 the
    attempt's own learner (a learner does not review their proctoring record)."""
    attempt = attempt_get(actor=actor, attempt_id=attempt_id)
    if not is_course_manager(actor, attempt.assessment.course):
        raise PermissionDenied(
            "Only the course's instructor or an admin may review proctoring."
        )
    return attempt


def proctor_event_list(*, actor: User, attempt_id: int) -> QuerySet[ProctorEvent]:
    """An attempt's events in the order the server recorded them (errors as
    ``proctoring_attempt_get``)."""
    return attempt_events(proctoring_attempt_get(actor=actor, attempt_id=attempt_id))


def attempt_events(attempt: Attempt) -> QuerySet[ProctorEvent]:
    """The events of an attempt already checked as visible, in recorded order."""
    return ProctorEvent.objects.filter(attempt=attempt).order_by("recorded_at", "pk")


# --- Invalidation ------------------------------------------------------------------


@transaction.atomic
def attempt_invalidate(
    *,
    actor: User,
    attempt_id: int,
    reason: str,
    client: ClientInfo | None = None,
) -> Attempt:
    """Invalidate an attempt (cheating, a proctoring breach): status
    ``invalidated``, not passed, its session ended, an audit log entry written. The
    attempt still counts against the learner's ``max_attempts``.

    Only the course's instructor or an admin. Errors: 400 empty or over-long
    ``reason``; 404 an attempt the actor may not see; 403 its own learner; 409 an
    attempt already invalidated.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("Say why the attempt is invalidated.", field="reason")
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"At most {MAX_REASON_LENGTH} characters.", field="reason")
    attempt = proctoring_attempt_get(actor=actor, attempt_id=attempt_id)
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
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
    client = client or ClientInfo()
    audit_log_record(
        action="assessment.attempt_invalidated",
        user=actor,
        resource_type="attempt",
        resource_id=locked.pk,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        details={
            "assessment_id": attempt.assessment_id,
            "learner_id": locked.user_id,
            "attempt_number": locked.attempt_number,
            "reason": reason,
            "previous_status": previous["status"],
            "previous_passed": previous["passed"],
        },
    )
    locked.assessment = attempt.assessment
    locked.user = attempt.user
    return locked

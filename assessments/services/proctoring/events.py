"""Events reported by the learner's proctoring client."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.accounts.models import User
from portal.errors import Conflict, InvalidInput, NotFound

from ...models import Attempt, AttemptStatus, ProctorEvent, ProctorSession
from .sessions import (
    CLIENT_EVENT_KINDS,
    MAX_CLOCK_SKEW,
    MAX_DETAILS_BYTES,
    MAX_EVENTS_PER_BATCH,
    ClientInfo,
    attempt_flag,
    proctor_session_guard,
    records_refusals,
)


def _checked_events(events, now) -> list[dict]:
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS_PER_BATCH:
        raise InvalidInput(f"Send 1 to {MAX_EVENTS_PER_BATCH} events.", field="events")
    checked = []
    for index, event in enumerate(events):
        field = f"events[{index}]"
        if not isinstance(event, dict):
            raise InvalidInput("Must be an object.", field=field)
        kind = event.get("kind")
        if kind not in CLIENT_EVENT_KINDS:
            raise InvalidInput(
                "Must be one of: " + ", ".join(CLIENT_EVENT_KINDS) + ".",
                field=f"{field}.kind",
            )
        occurred_at = _datetime(event.get("occurred_at"))
        if occurred_at is None or abs(occurred_at - now) > MAX_CLOCK_SKEW:
            raise InvalidInput(
                "Must be an ISO 8601 date and time within a day of now.",
                field=f"{field}.occurred_at",
            )
        details = event.get("details") or {}
        problem = details_problem(details=details)
        if problem:
            raise InvalidInput(problem, field=f"{field}.details")
        checked.append({"kind": kind, "occurred_at": occurred_at, "details": details})
    return checked


def _datetime(value) -> datetime | None:
    if isinstance(value, str) and len(value) <= 64:
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def details_problem(*, details: object) -> str | None:
    """Why an event's ``details`` cannot be stored, or None."""
    if not isinstance(details, dict):
        return "Must be an object."
    try:
        encoded = json.dumps(details, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return "Must be plain JSON."
    if len(encoded.encode()) > MAX_DETAILS_BYTES:
        return f"Must be at most {MAX_DETAILS_BYTES} bytes of JSON."
    if "\\u0000" in encoded:  # jsonb cannot store NUL
        return "Must not contain NUL characters."
    return None


@records_refusals
def proctor_events_record(
    *,
    actor: User,
    attempt_id: int,
    events: object,
    token: str | None,
    client: ClientInfo | None,
) -> int:
    """Store events the learner's proctoring client reported and flag the attempt.

    ``events`` is a list of 1 to 50 ``{kind, occurred_at, details?}`` with client
    kinds only; ``occurred_at`` an ISO 8601 string or datetime (naive: UTC) within a
    day of now, ``details`` an object of at most 2 KB of JSON. Returns how many were
    stored.

    Errors: 400 invalid events (the field names the event); 404 not the caller's
    attempt, or a retired assessment's; 409 ``CONFLICT`` the attempt is not
    proctored or no longer in progress; 409 ``PROCTOR_SESSION_ACTIVE`` without the
    session's token (the refusal is stored as an event).
    """
    attempt = (
        Attempt.objects.select_related("assessment")
        .filter(pk=attempt_id, user=actor, assessment__archived_at__isnull=True)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    checked = _checked_events(events, timezone.now())
    assessment = attempt.assessment
    if not assessment.proctored:
        raise Conflict("This attempt is not proctored: there is nothing to report.")
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.assessment = assessment
        if attempt.status != AttemptStatus.IN_PROGRESS:
            raise Conflict("This attempt is no longer in progress.")
        proctor_session_guard(
            attempt=attempt, token=token, client=client, action="events"
        )
        session = ProctorSession.objects.get(attempt=attempt, ended_at__isnull=True)
        client = client or ClientInfo()
        ProctorEvent.objects.bulk_create(
            ProctorEvent(
                attempt=attempt,
                session=session,
                kind=event["kind"],
                occurred_at=event["occurred_at"],
                ip_address=client.ip_address,
                user_agent=client.user_agent,
                details=event["details"],
            )
            for event in checked
        )
        attempt_flag(attempt=attempt)
    return len(checked)

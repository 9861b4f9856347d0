"""Proctoring sessions: the one browser allowed to work on a proctored attempt.

The attempt services call ``proctor_session_open`` / ``proctor_session_guard`` inside
their own transaction, with the attempt row locked, and are wrapped in
``records_refusals`` so that a refusal's event is stored after their transaction has
rolled back. Lock order is the services' one: enrollment, attempt, session.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portal.errors import Conflict

from ...models import (
    Assessment,
    Attempt,
    ProctorEvent,
    ProctorEventKind,
    ProctorSession,
)

TOKEN_HEADER = "X-Proctor-Session"  # noqa: S105 (a header name)  # nosec B105
USER_AGENT_MAX_LENGTH = 512
MAX_EVENTS_PER_BATCH = 50
MAX_DETAILS_BYTES = 2048
# Client clocks drift and batches are sent late, but not by more than this.
MAX_CLOCK_SKEW = timedelta(hours=24)
MAX_REASON_LENGTH = 2000
# A token longer than this is not one of ours; no need to hash megabytes of header.
MAX_TOKEN_LENGTH = 128

CLIENT_EVENT_KINDS = (
    ProctorEventKind.FOCUS_LOST,
    ProctorEventKind.TAB_HIDDEN,
    ProctorEventKind.COPY,
    ProctorEventKind.PASTE,
    ProctorEventKind.FULLSCREEN_EXIT,
)
SERVER_EVENT_KINDS = tuple(k for k in ProctorEventKind if k not in CLIENT_EVENT_KINDS)

SESSION_ACTIVE_CODE = "PROCTOR_SESSION_ACTIVE"


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from: its IP address (None if unknown) and User-Agent."""

    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, ip_address: str | None, user_agent: str | None) -> ClientInfo:
        # PostgreSQL text cannot hold NUL; a forged header must not become a 500.
        agent = (user_agent or "").replace("\x00", "\ufffd")[:USER_AGENT_MAX_LENGTH]
        return cls(ip_address=ip_address or None, user_agent=agent)


class SessionRefused(Conflict):
    """A call for a proctored attempt without its active session's token.

    Raised inside the attempt services' transaction; ``records_refusals`` stores the
    ``second_session_refused`` event once that transaction has rolled back."""

    code = SESSION_ACTIVE_CODE

    def __init__(
        self, *, attempt_id: int, session_id: int, client: ClientInfo, details: dict
    ):
        super().__init__(
            "This exam is open in another browser or device. Continue it there; "
            "a second session is not allowed."
        )
        self.attempt_id = attempt_id
        self.session_id = session_id
        self.client = client
        self.details = details


def token_hash(*, token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Sessions (called by the attempt services) -------------------------------------


P = ParamSpec("P")
R = TypeVar("R")


def records_refusals(service: Callable[P, R]) -> Callable[P, R]:
    """Decorate an attempt service: when it raises ``SessionRefused``, store the
    refusal as a ``second_session_refused`` event (and flag the attempt) in a
    transaction of its own, then re-raise."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except SessionRefused as refused:
            _refusal_record(refused)
            raise

    return wrapper


def _refusal_record(refused: SessionRefused) -> None:
    with transaction.atomic():
        now = timezone.now()
        ProctorEvent.objects.create(
            attempt_id=refused.attempt_id,
            session_id=refused.session_id,
            kind=ProctorEventKind.SECOND_SESSION_REFUSED,
            occurred_at=now,
            ip_address=refused.client.ip_address,
            user_agent=refused.client.user_agent,
            details=refused.details,
        )
        Attempt.objects.filter(pk=refused.attempt_id).update(flagged=True)


def proctor_window_check(*, assessment: Assessment) -> None:
    """A proctored exam runs in a scheduled window only: without one (authored
    before the rule, or through the Django admin) no attempt starts. The window
    itself is checked by the attempt services (``ASSESSMENT_NOT_OPEN`` /
    ``ASSESSMENT_CLOSED``)."""
    if assessment.proctored and (
        assessment.opens_at is None or assessment.closes_at is None
    ):
        raise Conflict(
            "This proctored exam has not been scheduled yet.",
            code="ASSESSMENT_NOT_OPEN",
        )


def proctor_session_open(*, attempt: Attempt, client: ClientInfo | None) -> str | None:
    """Open the proctored session of a new (or session-less) attempt of a proctored
    exam and return its raw token; None for other assessments.

    Call inside the caller's transaction. Stores where the attempt started. The
    partial unique index (one active session per attempt) refuses a second session
    created by a racing request: that request gets 409 ``PROCTOR_SESSION_ACTIVE``.
    """
    if not attempt.assessment.proctored:
        return None
    client = client or ClientInfo()
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            ProctorSession.objects.create(
                attempt=attempt,
                token_hash=token_hash(token=token),
                ip_address=client.ip_address,
                user_agent=client.user_agent,
            )
    except IntegrityError as exc:
        raise Conflict(
            "This exam is open in another browser or device.",
            code=SESSION_ACTIVE_CODE,
        ) from exc
    if attempt.ip_address is None and not attempt.user_agent:
        attempt.ip_address = client.ip_address
        attempt.user_agent = client.user_agent
        attempt.save(update_fields=["ip_address", "user_agent"])
    return token


def proctor_session_guard(
    *,
    attempt: Attempt,
    token: str | None,
    client: ClientInfo | None,
    action: str,
    may_open: bool = False,
) -> str | None:
    """Let a call for ``attempt`` through only with its active session's token.

    Call inside the caller's transaction with the attempt row locked and
    ``attempt.assessment`` loaded; does nothing for non-proctored assessments.
    With the right token, a change of IP address or browser since the session's last
    call is stored as an event and flags the attempt. Without an active session
    (the exam became proctored after the attempt started) ``may_open`` (resume)
    opens one and returns its token; other calls get 409
    ``PROCTOR_SESSION_REQUIRED``.

    Raises ``SessionRefused`` (409 ``PROCTOR_SESSION_ACTIVE``) for a missing or
    wrong token: wrap the service in ``records_refusals`` so the refusal is stored.
    """
    if not attempt.assessment.proctored:
        return None
    session = (
        ProctorSession.objects.select_for_update()
        .filter(attempt=attempt, ended_at__isnull=True)
        .first()
    )
    if session is None:
        if may_open:
            return proctor_session_open(attempt=attempt, client=client)
        raise Conflict(
            "Resume the exam first to open its proctored session.",
            code="PROCTOR_SESSION_REQUIRED",
        )
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        valid = False
    else:
        valid = constant_time_compare(session.token_hash, token_hash(token=token))
    if not valid:
        raise SessionRefused(
            attempt_id=attempt.pk,
            session_id=session.pk,
            client=client or ClientInfo(),
            details={
                "action": action,
                "reason": "wrong_token" if token else "missing_token",
            },
        )
    _note_client_changes(attempt, session, client)
    return None


def _note_client_changes(
    attempt: Attempt, session: ProctorSession, client: ClientInfo | None
) -> None:
    now = timezone.now()
    changed = []
    if client is not None:
        if client.ip_address != session.ip_address:
            changed.append(
                (ProctorEventKind.IP_CHANGED, session.ip_address, client.ip_address)
            )
            session.ip_address = client.ip_address
        if client.user_agent != session.user_agent:
            changed.append(
                (
                    ProctorEventKind.USER_AGENT_CHANGED,
                    session.user_agent,
                    client.user_agent,
                )
            )
            session.user_agent = client.user_agent
    session.last_seen_at = now
    session.save(update_fields=["ip_address", "user_agent", "last_seen_at"])
    if not changed:
        return
    ProctorEvent.objects.bulk_create(
        ProctorEvent(
            attempt=attempt,
            session=session,
            kind=kind,
            occurred_at=now,
            ip_address=client.ip_address,
            user_agent=client.user_agent,
            details={"old": old, "new": new},
        )
        for kind, old, new in changed
    )
    attempt_flag(attempt=attempt)


def attempt_flag(*, attempt: Attempt) -> None:
    if not attempt.flagged:
        attempt.flagged = True
        attempt.save(update_fields=["flagged"])


def proctor_sessions_end(*, attempt: Attempt, now: datetime | None = None) -> int:
    """End the attempt's active session (the attempt was submitted, closed or
    invalidated). Returns how many were ended."""
    return ProctorSession.objects.filter(attempt=attempt, ended_at__isnull=True).update(
        ended_at=now or timezone.now()
    )

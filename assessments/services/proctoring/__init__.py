"""Proctored exams: one browser session per attempt, client-reported events, review.

An exam with ``proctored`` set opens a ``ProctorSession`` together with each new
attempt. The client receives the session's random token once (only its SHA-256 is
stored) and sends it back in the ``X-Proctor-Session`` header with every later call
for the attempt: resume (start), autosave, submit and events. A call without the
active session's token is refused with 409 ``PROCTOR_SESSION_ACTIVE`` and leaves a
``second_session_refused`` event; a call with the token from another IP address or
browser than the session's leaves ``ip_changed`` / ``user_agent_changed`` events. Any
event flags the attempt for review; the course's instructor or an admin may then
invalidate it.

``sessions`` holds the session rules the attempt services call, ``events`` the
client's reports, ``review`` the staff selectors, invalidation and session reset;
this package exports the names other packages use.

A learner whose browser lost the token (a crash) is not locked out: the course's
instructor or an admin resets the session (``proctor_session_reset``), and the
learner's next resume (start) opens a new one and returns its token.
"""

from .events import proctor_events_record
from .review import (
    attempt_events,
    attempt_invalidate,
    flagged_attempt_list,
    proctor_event_counts,
    proctor_event_list,
    proctor_session_reset,
    proctoring_attempt_get,
    proctoring_attempt_list,
    proctoring_attempt_summary,
)
from .sessions import (
    CLIENT_EVENT_KINDS,
    MAX_EVENTS_PER_BATCH,
    MAX_REASON_LENGTH,
    SERVER_EVENT_KINDS,
    TOKEN_HEADER,
    ClientInfo,
    proctor_session_guard,
    proctor_session_open,
    proctor_sessions_end,
    proctor_window_check,
    records_refusals,
    token_hash,
)

__all__ = [
    "CLIENT_EVENT_KINDS",
    "MAX_EVENTS_PER_BATCH",
    "MAX_REASON_LENGTH",
    "SERVER_EVENT_KINDS",
    "TOKEN_HEADER",
    "ClientInfo",
    "attempt_events",
    "attempt_invalidate",
    "flagged_attempt_list",
    "proctor_event_counts",
    "proctor_event_list",
    "proctor_events_record",
    "proctor_session_guard",
    "proctor_session_open",
    "proctor_session_reset",
    "proctor_sessions_end",
    "proctor_window_check",
    "proctoring_attempt_get",
    "proctoring_attempt_list",
    "proctoring_attempt_summary",
    "records_refusals",
    "token_hash",
]

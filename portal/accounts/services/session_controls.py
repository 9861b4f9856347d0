"""DoD-style session controls: idle timeout per role, absolute lifetime, the
concurrent-session limit per role, and ending sessions of either kind.

A *session* is one sign-in: a web session (the browser's cookie) or an API token
family (every token of one API login, ``tokens.py``). Each is registered as a
``SignInSession`` row when it starts.

- **Idle timeout** (``SESSION_IDLE_TIMEOUT_BY_ROLE``): a web session keeps when it
  was last used in its own data (``STATE_KEY``, written at most every
  ``activity_step`` seconds, see ``middleware.SessionControlMiddleware``); an API
  family in the state cache (``tokens.family_activity``), its tokens' ``iat``
  standing in when the cache lost it. A session unused for longer ends on its next
  use: the web request continues signed out, an access token or a refresh is
  refused (401).
- **Absolute lifetime** (``SESSION_ABSOLUTE_LIFETIME_SECONDS``): measured from the
  sign-in (``start`` in the web session, the ``sst`` claim of tokens), whatever the
  activity.
- **Concurrent sessions** (``SESSION_CONCURRENT_LIMIT_BY_ROLE``): web and API
  together. A sign-in beyond the limit is let in and ends the person's *oldest*
  sessions: refusing would lock out someone whose old session sits on a lost or
  closed device until it times out, and ending the oldest keeps "only this many at
  once" true either way. Rows whose session already died (timed out, gone from the
  store) are closed on the way and do not count.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from .. import tokens
from ..models import SessionEndReason, SessionKind, SignInSession, User
from ..permissions import effective_role
from .base import Client, account_audit
from .notices import device_label

logger = logging.getLogger(__name__)

# Where a web session keeps its controls: {"sid", "start", "seen", "kh"} (the
# registry key, sign-in and last activity in epoch seconds, a hash of the session
# key the registry holds).
STATE_KEY = "_portal_sign_in"
# Activity is written at most this often (seconds), and never less often than a
# fifteenth of the idle timeout, so that a session is not ended much earlier than
# its last request plus the timeout.
MAX_ACTIVITY_STEP = 60.0


# --- The rules, per role ---------------------------------------------------------


def idle_timeout(*, role: str | None) -> int:
    """Seconds of inactivity that end a session of ``role`` (0: never)."""
    return int(settings.SESSION_IDLE_TIMEOUT_BY_ROLE.get(role or "", 0))


def concurrent_limit(*, role: str | None) -> int:
    """Sessions a person of ``role`` may hold at once (0: no limit)."""
    return int(settings.SESSION_CONCURRENT_LIMIT_BY_ROLE.get(role or "", 0))


def absolute_lifetime() -> int:
    return int(settings.SESSION_ABSOLUTE_LIFETIME_SECONDS)


def activity_step(*, role: str | None) -> float:
    """How stale a recorded activity may get before it is written again."""
    idle = idle_timeout(role=role)
    return min(MAX_ACTIVITY_STEP, idle / 15) if idle else MAX_ACTIVITY_STEP


def session_over(
    *, role: str | None, started_at: float, last_seen: float, now: float
) -> str | None:
    """Why a session of ``role`` started at ``started_at`` and last used at
    ``last_seen`` is over at ``now`` (a ``SessionEndReason``), or ``None``."""
    if now - started_at > absolute_lifetime():
        return SessionEndReason.LIFETIME
    idle = idle_timeout(role=role)
    if idle and now - last_seen > idle:
        return SessionEndReason.IDLE
    return None


def session_remaining(
    *, role: str | None, started_at: float, last_seen: float, now: float
) -> dict:
    """Seconds left before the idle timeout (``None``: no idle timeout for the
    role) and before the absolute lifetime ends the session; for the page's
    warning."""
    idle = idle_timeout(role=role)
    return {
        "idle_remaining": max(0, int(last_seen + idle - now)) if idle else None,
        "absolute_remaining": max(0, int(started_at + absolute_lifetime() - now)),
    }


# --- The registry ------------------------------------------------------------------


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def session_key_hash(*, session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:16]


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


@transaction.atomic
def sign_in_session_start(
    *,
    user: User,
    kind: str,
    key: str,
    session_key: str = "",
    client: Client = Client(),
    at: float | None = None,
) -> SignInSession:
    """Register a new session of ``user`` and apply the concurrent-session limit of
    their role: beyond it, their oldest live sessions end (audited as
    ``auth.session_limit_ended``). Sign-ins of one person are serialised on their
    user row, so two at once cannot both keep a session over the limit."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    when = _at(at if at is not None else time.time())
    session = SignInSession.objects.create(
        user=user,
        kind=kind,
        key=key,
        session_key=session_key,
        label=device_label(user_agent=client.user_agent) if client.user_agent else "",
        started_at=when,
        last_seen_at=when,
    )
    _limit_apply(user=user, newest=session, client=client)
    return session


def _limit_apply(*, user: User, newest: SignInSession, client: Client) -> None:
    role = effective_role(user)
    limit = concurrent_limit(role=role)
    if not limit:
        return
    now = time.time()
    live = []
    older = SignInSession.objects.filter(user=user, ended_at__isnull=True).exclude(
        pk=newest.pk
    )
    for session in older.order_by("started_at", "pk"):
        reason = _why_over(session=session, user=user, role=role, now=now)
        if reason:
            _end(session, reason=reason)
        else:
            live.append(session)
    excess = len(live) + 1 - limit
    for session in live[: max(0, excess)]:
        _end(session, reason=SessionEndReason.LIMIT)
        account_audit(
            action="auth.session_limit_ended",
            user=user,
            client=client,
            resource_type="sign_in_session",
            resource_id=session.pk,
            details={"kind": session.kind, "limit": limit},
        )


def _why_over(
    *,
    session: SignInSession,
    user: User,
    role: str | None,
    now: float,
    stored: dict[str, dict] | None = None,
) -> str | None:
    """Why a registered session is no longer live (checked where it lives: the
    session store, the token denylists and activity), or ``None``. ``stored``: web
    sessions' data already read (``_stored_sessions``), by session key."""
    started = session.started_at.timestamp()
    if session.kind == SessionKind.WEB:
        data = {}
        if stored is not None:
            data = stored.get(session.session_key, {})
        elif session.session_key:
            data = _session_store(session.session_key).load()
        state = data.get(STATE_KEY) or {}
        signed_in = str(data.get(SESSION_KEY)) == str(user.pk)
        if not signed_in or state.get("sid") != session.key:
            return SessionEndReason.EXPIRED
        seen = float(state.get("seen", started))
    else:
        if tokens.is_token_family_denied(session.key, user_id=user.pk):
            return SessionEndReason.REVOKED
        refresh_life = api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
        if now - session.last_seen_at.timestamp() > refresh_life:
            return SessionEndReason.EXPIRED
        seen = max(
            tokens.family_activity(session.key) or 0, session.last_seen_at.timestamp()
        )
    return session_over(role=role, started_at=started, last_seen=seen, now=now)


def sign_in_sessions_live(*, user: User, limit: int = 50) -> list[SignInSession]:
    """The person's sessions that are live now, latest activity first (their
    profile's "Where you are signed in"): each is checked where it lives, as the
    concurrent-session limit checks it. Reads only."""
    now = time.time()
    role = effective_role(user)
    rows = list(
        SignInSession.objects.filter(user=user, ended_at__isnull=True).order_by(
            "-last_seen_at", "-pk"
        )[:limit]
    )
    stored = _stored_sessions(
        [s.session_key for s in rows if s.kind == SessionKind.WEB and s.session_key]
    )
    return [
        session
        for session in rows
        if _why_over(session=session, user=user, role=role, now=now, stored=stored)
        is None
    ]


def _stored_sessions(session_keys: list[str]) -> dict[str, dict]:
    """The data of live web sessions by key: in one query where the session engine
    keeps them in the database, else one store read each."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not session_keys:
        return {}
    if hasattr(store_class, "get_model_class"):
        store = store_class()
        rows = store_class.get_model_class().objects.filter(
            session_key__in=session_keys, expire_date__gt=timezone.now()
        )
        return {row.session_key: store.decode(row.session_data) for row in rows}
    return {key: _session_store(key).load() for key in session_keys}


def _end(session: SignInSession, *, reason: str) -> None:
    """End one registered session where it lives and close its row."""
    if session.kind == SessionKind.WEB:
        if session.session_key:
            _session_store(session.session_key).delete()
    else:
        _family_end(user_id=session.user_id, family=session.key)
    SignInSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def sign_in_session_close(*, kind: str, key: str, reason: str) -> None:
    """Record that a session ended (the caller ended it where it lives)."""
    SignInSession.objects.filter(kind=kind, key=key, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def sign_in_sessions_end_all(*, user: User) -> None:
    """Close every registered session of ``user`` and delete their web sessions
    from the store (``user_sessions_revoke`` also changes the session hash and
    blacklists the refresh tokens, which ends any session not registered)."""
    live = SignInSession.objects.filter(user=user, ended_at__isnull=True)
    for session in live.filter(kind=SessionKind.WEB):
        if session.session_key:
            _session_store(session.session_key).delete()
    for session in live.filter(kind=SessionKind.API):
        tokens.deny_token_family(session.key)
    live.update(ended_at=timezone.now(), end_reason=SessionEndReason.REVOKED)


def sign_in_sessions_prune(*, older_than_days: int = 90) -> int:
    """Forget sessions that ended, or began (and so can no longer be live), more
    than ``older_than_days`` ago; returns how many. Run daily by beat."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    lived = timedelta(seconds=absolute_lifetime())
    deleted, _ = SignInSession.objects.filter(
        Q(ended_at__lt=cutoff) | Q(started_at__lt=cutoff - lived)
    ).delete()
    return deleted


# --- API token families ----------------------------------------------------------


def _family_end(*, user_id: int, family: str) -> None:
    """End one token family: its access tokens are denied through the family
    denylist, its live refresh tokens are blacklisted in the database as well, so
    they stay dead when the cache is emptied."""
    tokens.deny_token_family(family)
    live = OutstandingToken.objects.filter(
        user_id=user_id, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [
            BlacklistedToken(token=t)
            for t in live
            if tokens.token_family(t.token) == family
        ],
        ignore_conflicts=True,
    )


def token_family_revoke(
    *, user_id: int, family: str, reason: str = SessionEndReason.REVOKED
) -> None:
    """End one API session of a user (``_family_end``) and close its row."""
    _family_end(user_id=user_id, family=family)
    sign_in_session_close(kind=SessionKind.API, key=family, reason=reason)


_UNKNOWN = object()


def api_session_over(
    *, user: User, token: Any, seen: Any = _UNKNOWN, now: float | None = None
) -> str | None:
    """Why the API session of ``token`` (an access or refresh token of ``user``)
    is over, or ``None``: its absolute lifetime from ``sst``, or no use of its
    family for the role's idle timeout (the token's own ``iat`` counts as a use).
    ``seen``: the family's last use if the caller read it already."""
    now = time.time() if now is None else now
    family = token.get("fam")
    if seen is _UNKNOWN:
        seen = tokens.family_activity(family) if family else None
    return session_over(
        role=effective_role(user),
        started_at=float(token.get("sst", token.get("iat", now))),
        last_seen=max(seen or 0, float(token.get("iat", now))),
        now=now,
    )


def api_session_timeout(
    *, user: User, family: str | None, reason: str, client: Client = Client()
) -> None:
    """End an API session that timed out (audited as ``auth.session_timeout``)."""
    if family:
        token_family_revoke(user_id=user.pk, family=family, reason=reason)
    account_audit(
        action="auth.session_timeout",
        user=user,
        client=client,
        details={"via": "api", "reason": reason},
    )


def api_session_used(*, family: str, role: str | None, seen: float | None) -> None:
    """Note a use of an API session now, unless one was noted moments ago."""
    now = time.time()
    if seen is None or now - seen >= activity_step(role=role):
        tokens.family_activity_record(family, now)


def api_session_refreshed(*, family: str) -> None:
    """A refresh is a use of the session: noted in the cache and on its row."""
    tokens.family_activity_record(family, time.time())
    SignInSession.objects.filter(kind=SessionKind.API, key=family).update(
        last_seen_at=timezone.now()
    )


# --- Web sessions ------------------------------------------------------------------


def web_session_start(
    *,
    user: User,
    session_key: str,
    previous: dict | None = None,
    client: Client = Client(),
) -> dict:
    """Register a web sign-in and return the state the session keeps
    (``STATE_KEY``). Signing in again in the same browser replaces the session the
    browser had."""
    if previous and previous.get("sid"):
        sign_in_session_close(
            kind=SessionKind.WEB, key=previous["sid"], reason=SessionEndReason.REPLACED
        )
    now = time.time()
    sid = secrets.token_hex(16)
    sign_in_session_start(
        user=user,
        kind=SessionKind.WEB,
        key=sid,
        session_key=session_key or "",
        client=client,
        at=now,
    )
    return {
        "sid": sid,
        "start": now,
        "seen": now,
        "kh": session_key_hash(session_key=session_key),
    }


def web_session_over(*, user: User, state: dict, now: float) -> str | None:
    """Why the web session with ``state`` is over at ``now``, or ``None``."""
    return session_over(
        role=effective_role(user),
        started_at=float(state.get("start", now)),
        last_seen=float(state.get("seen", now)),
        now=now,
    )


def web_session_remaining(*, user: User, state: dict, now: float) -> dict:
    return session_remaining(
        role=effective_role(user),
        started_at=float(state.get("start", now)),
        last_seen=float(state.get("seen", now)),
        now=now,
    )


def web_session_status(*, user: User, state: dict, now: float) -> dict:
    """What the page's timeout dialog needs: seconds left before the idle timeout
    and the absolute lifetime, the sooner of the two (``remaining``), and how long
    before the end to warn (``warning``)."""
    remaining = web_session_remaining(user=user, state=state, now=now)
    ends_in = [
        left
        for left in (remaining["idle_remaining"], remaining["absolute_remaining"])
        if left is not None
    ]
    return {
        **remaining,
        "remaining": min(ends_in),
        "warning": int(settings.SESSION_IDLE_WARNING_SECONDS),
    }


def web_session_rekeyed(*, state: dict, session_key: str) -> dict:
    """The session's key changed (Django cycles it, e.g. when a password change
    keeps the session that made it while every other one ends): the registry
    follows, so the session can still be counted and ended from elsewhere. Returns
    the new state."""
    SignInSession.objects.filter(kind=SessionKind.WEB, key=state.get("sid", "")).update(
        session_key=session_key, ended_at=None, end_reason=""
    )
    return {**state, "kh": session_key_hash(session_key=session_key)}


def web_session_timeout(
    *, user: User, state: dict, reason: str, client: Client = Client()
) -> None:
    """Close the row of a web session that timed out (the caller signs the
    browser out); audited as ``auth.session_timeout``."""
    sign_in_session_close(kind=SessionKind.WEB, key=state.get("sid", ""), reason=reason)
    account_audit(
        action="auth.session_timeout",
        user=user,
        client=client,
        details={"via": "web", "reason": reason},
    )

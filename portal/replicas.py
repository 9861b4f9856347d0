"""Reads from a PostgreSQL read replica, with read-your-writes.

With ``DATABASE_REPLICA_URL`` set, ``DATABASES["replica"]`` is a streaming replica
of the primary (``default``). ``ReplicaRoutingMiddleware`` opens a routing scope
for each request and ``ReplicaRouter`` answers from it:

- writes always go to the primary;
- reads go to the replica only inside a request's scope, when the request is safe
  (GET, HEAD, OPTIONS), and nobody pinned it to the primary: not the request
  itself (any write during it pins the rest of it), not a recent write by the
  same person (a signed cookie, and a cache marker per user for API clients on
  another device or without cookies, both living
  ``DATABASE_REPLICA_PIN_SECONDS``);
- inside a transaction (``atomic``, hence also ``select_for_update``) reads stay
  on the primary, and so do sessions (a sign-in must see its own session);
- outside requests (Celery tasks, management commands, the shell) everything
  uses the primary, unless the code opts in with ``replica_reads()``;
- a replica that cannot be reached is not an outage: the first read of a scope
  that would go there checks its connection (Django's health check, then
  connecting with a short timeout and no retry); if that fails, this process
  reads from the primary for ``DATABASE_REPLICA_RETRY_SECONDS`` and then tries
  the replica again.

A user whose row was written during a request (signing up, signing in, a profile
edit) is pinned as well, so the first request made with a fresh token sees it.
The replica lags; what a pinned person does not see are other people's writes
from the last moment, which is the point of reading from a replica.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import jwt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

PRIMARY = "default"
REPLICA = "replica"
# Apps whose tables are always read from the primary.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_COOKIE = "primary_reads"
PIN_COOKIE_SALT = "portal.replicas.pin"
PIN_KEY = "replicas:pin:{user_id}"

logger = logging.getLogger(__name__)


@dataclass
class RoutingScope:
    """One request's (or block's) routing: ``pinned`` sends every read to the
    primary; ``wrote`` is set by the first write; ``written_users`` are user rows
    saved in it (pinned afterwards too)."""

    pinned: bool = False
    wrote: bool = False
    written_users: list = field(default_factory=list)
    # Whether the replica answered, checked at the scope's first replica read.
    replica_ok: bool | None = None


_scope: contextvars.ContextVar[RoutingScope | None] = contextvars.ContextVar(
    "replica_routing_scope", default=None
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# Until when (time.monotonic()) this process reads from the primary because the
# replica could not be reached.
_replica_down_until = 0.0


def replica_available() -> bool:
    """Whether the replica can take reads now: its connection (this thread's)
    passes Django's health check or opens. A failure is remembered for
    ``DATABASE_REPLICA_RETRY_SECONDS``, so that a dead replica costs one failed
    connection attempt per process and period, not one per request."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        connection.close()
        retry = settings.DATABASE_REPLICA_RETRY_SECONDS
        _replica_down_until = time.monotonic() + retry
        logger.warning(
            "read replica unreachable: reading from the primary",
            extra={"retry_in_seconds": retry, "error": str(error)[:200]},
        )
        return False
    return True


@contextlib.contextmanager
def replica_reads(*, pinned: bool = False) -> Iterator[RoutingScope]:
    """A block whose reads may use the replica (unless ``pinned``, or once it
    wrote). Requests get one from the middleware; tasks that read a lot and can
    live with a lag (reports) may open one."""
    scope = RoutingScope(pinned=pinned)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry when a replica is configured."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope.pinned or scope.wrote:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if scope.replica_ok is None:
            scope.replica_ok = replica_available()
        return REPLICA if scope.replica_ok else PRIMARY

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
            instance = hints.get("instance")
            if instance is not None and model._meta.label == settings.AUTH_USER_MODEL:
                scope.written_users.append(instance)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its schema by replication, never by migrate.
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """Opens each request's routing scope (after ``SessionMiddleware``, before
    anything reads for the view) and, after a write, pins the writer's reads to
    the primary for ``DATABASE_REPLICA_PIN_SECONDS``. Not used without a
    replica."""

    def __init__(self, get_response) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        user_id = _claimed_user_id(request)
        pinned = unsafe or _recently_wrote(request, user_id)
        with replica_reads(pinned=pinned) as scope:
            response = self.get_response(request)
        if unsafe or scope.wrote:
            _pin(request, response, scope, user_id)
        return response


def _claimed_user_id(request):
    """Who the request says it is, for routing only (never for access): the
    session's user, or the ``user_id`` claim of a bearer token read without
    checking it (a forged token can only send its own reads to the primary)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        user_id = session.get(SESSION_KEY)
        if user_id is not None:
            return str(user_id)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        claims = jwt.decode(token.strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    user_id = claims.get(settings.SIMPLE_JWT.get("USER_ID_CLAIM", "user_id"))
    return str(user_id) if user_id is not None else None


def _recently_wrote(request, user_id) -> bool:
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    if request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_COOKIE_SALT, max_age=seconds
    ):
        return True
    return user_id is not None and bool(cache.get(PIN_KEY.format(user_id=user_id)))


def _pin(request, response, scope: RoutingScope, user_id) -> None:
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_COOKIE_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    user_ids = {str(user.pk) for user in scope.written_users if user.pk is not None}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_ids.add(str(user.pk))
    if user_id is not None:
        user_ids.add(user_id)
    if user_ids:
        cache.set_many(
            {PIN_KEY.format(user_id=uid): 1 for uid in user_ids}, timeout=seconds
        )

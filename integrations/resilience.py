"""The one policy for every call to an outside system: retries, timeouts and a
circuit breaker per vendor.

Why one policy: a vendor outage must not become ours. Without a breaker, every
request that needs a slow or failing vendor ties up a worker for the full timeout,
and retries multiply the load on a vendor that is already struggling. So:

- **Retries** (``tenacity``) only for transient failures (``TransientError``:
  connection errors, timeouts, 429 and 5xx), with exponential backoff and jitter, or
  the vendor's ``Retry-After`` when it sends one, capped by
  ``INTEGRATIONS_RETRY_MAX_WAIT_SECONDS``. A 4xx other than 429 is our mistake and
  retrying it cannot help.
- **A circuit breaker** (``pybreaker``) per vendor counts transient failures; after
  ``INTEGRATIONS_BREAKER_FAIL_MAX`` in a row it opens and calls fail at once with
  ``CircuitOpenError`` for ``INTEGRATIONS_BREAKER_RESET_SECONDS``; then one trial
  call decides whether it closes again (half-open). Its state lives in Redis when
  ``REDIS_URL`` is set, so every web and worker process sees the same circuit; the
  embedded default (no Redis) keeps it in memory.

Callers are services and Celery tasks, never inside a request's transaction. Vendors
use ``integrations.http.VendorClient`` or, for an SDK, the ``outside_call`` decorator.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pybreaker
import redis
from django.conf import settings
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class OutsideCallError(Exception):
    """A call to an outside system failed; ``vendor`` says which one."""

    def __init__(self, message: str, *, vendor: str):
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor


class TransientError(OutsideCallError):
    """A failure worth retrying: the vendor was unreachable, too slow, rate-limited
    us (429) or failed itself (5xx). ``retry_after`` is the vendor's own hint, in
    seconds, when it sent one."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, vendor=vendor)
        self.status = status
        self.retry_after = retry_after


class OutsideCallTimeout(TransientError):
    """The vendor did not connect or answer within ``INTEGRATIONS_TIMEOUT_SECONDS``."""


class CircuitOpenError(OutsideCallError):
    """The vendor's circuit is open: it failed repeatedly, so the call was refused
    without reaching it. Retry later (a Celery task's own retry), not in a loop."""


def outside_call(vendor: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function that calls ``vendor`` once, so each call goes through the
    vendor's breaker and is retried on ``TransientError``.

    The function must be idempotent (safe to run twice) and must raise
    ``TransientError`` for failures worth retrying; anything else passes through
    unretried and does not count against the vendor.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return call_with_policy(
                vendor=vendor, call=functools.partial(function, *args, **kwargs)
            )

        return wrapper

    return decorate


def call_with_policy(*, vendor: str, call: Callable[[], R], retry: bool = True) -> R:
    """Run ``call`` under ``vendor``'s breaker, retrying transient failures when
    ``retry`` is true (pass false for a call that is not idempotent)."""
    breaker = vendor_breaker(vendor=vendor)
    attempts = settings.INTEGRATIONS_RETRY_ATTEMPTS if retry else 1
    retrying = Retrying(
        retry=retry_if_exception_type(TransientError),
        stop=stop_after_attempt(attempts),
        wait=_wait,
        before_sleep=_log_retry,
        reraise=True,
    )
    return retrying(_through_breaker, breaker, vendor, call)


def _through_breaker(
    breaker: pybreaker.CircuitBreaker, vendor: str, call: Callable[[], R]
) -> R:
    try:
        return breaker.call(call)
    except pybreaker.CircuitBreakerError as exc:
        raise CircuitOpenError(
            "circuit open after repeated failures; call refused", vendor=vendor
        ) from exc


_backoff = wait_exponential_jitter(multiplier=0.5, max=60.0, jitter=0.5)


def _wait(state: RetryCallState) -> float:
    # The vendor's Retry-After wins over our backoff; both are capped.
    cap = settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS
    error = state.outcome.exception() if state.outcome else None
    hint = getattr(error, "retry_after", None)
    return min(hint if hint is not None else _backoff(state), cap)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    logger.warning(
        "outside call retried",
        extra={
            "vendor": getattr(error, "vendor", ""),
            "attempt": state.attempt_number,
            "error": str(error),
            "wait_seconds": round(state.upcoming_sleep, 3),
        },
    )


_breakers: dict[tuple, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def vendor_breaker(*, vendor: str) -> pybreaker.CircuitBreaker:
    """The circuit breaker of ``vendor`` in this process; its state is shared with
    every other process through Redis when ``REDIS_URL`` is set."""
    key = (
        vendor,
        settings.REDIS_URL,
        settings.INTEGRATIONS_BREAKER_FAIL_MAX,
        settings.INTEGRATIONS_BREAKER_RESET_SECONDS,
    )
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = pybreaker.CircuitBreaker(
                fail_max=settings.INTEGRATIONS_BREAKER_FAIL_MAX,
                reset_timeout=settings.INTEGRATIONS_BREAKER_RESET_SECONDS,
                # Only the vendor's own failures open its circuit, not our 4xx.
                exclude=[lambda error: not isinstance(error, TransientError)],
                state_storage=_breaker_storage(vendor),
                name=vendor,
                # The failure that trips the circuit is raised as itself.
                throw_new_error_on_trip=False,
            )
    return breaker


def _breaker_storage(vendor: str) -> pybreaker.CircuitBreakerStorage:
    if not settings.REDIS_URL:
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
    )
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "portal")
    try:
        return pybreaker.CircuitRedisStorage(
            pybreaker.STATE_CLOSED, client, namespace=f"{prefix}:breaker:{vendor}"
        )
    except redis.RedisError:
        # Redis down at start-up: this process still protects itself.
        logger.exception("circuit state kept in memory", extra={"vendor": vendor})
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)

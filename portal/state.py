"""The ``state`` cache: counters and revocations that must not be evicted by cache
pressure (throttles, sign-in backoff, JWT denylists, used MFA tokens). Its Redis runs
``maxmemory-policy noeviction``; see ``portal/settings/components/cache.py``.

Two ways in, because they fail differently when that Redis is unreachable:

- ``state_cache`` raises. Revocations read it, and a missed revocation would let a
  revoked token in, so their callers decide what an outage means (the database is
  asked instead).
- ``counter_cache`` never raises on a Redis outage: throttle and backoff counters
  move to this process's memory until Redis answers again. Limits then hold per
  process rather than across the fleet (a guesser gets at most ``workers`` times
  the rate) and the counts start from zero; sign-in keeps working, which is what
  an outage of a cache must not take away. Each fall-back is logged, at most once a
  minute per process.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.connection import ConnectionProxy
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

try:  # django-redis wraps connection errors in its own exception
    from django_redis.exceptions import ConnectionInterrupted
except ImportError:  # pragma: no cover - django-redis is a requirement
    ConnectionInterrupted = RedisConnectionError

logger = logging.getLogger(__name__)

state_cache = ConnectionProxy(caches, "state")

# Errors that mean "Redis did not answer", as opposed to a bug in the caller.
REDIS_OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted)

_WARN_EVERY_SECONDS = 60.0


class _CounterCache:
    """``state_cache`` with a process-local fall-back on a Redis outage."""

    def __init__(self, alias: str) -> None:
        self._alias = alias
        self._local = LocMemCache(f"portal-{alias}-fallback", {"TIMEOUT": None})
        self._warned_at = 0.0

    def _fallback(self, name: str, error: Exception) -> Any:
        now = time.monotonic()
        if now - self._warned_at > _WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "state Redis unreachable; counters kept in this process",
                extra={"cache_alias": self._alias, "error": type(error).__name__},
            )
        return getattr(self._local, name)

    def __getattr__(self, name: str) -> Any:
        primary = getattr(caches[self._alias], name)
        if not callable(primary):
            return primary

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return primary(*args, **kwargs)
            except REDIS_OUTAGE as error:
                return self._fallback(name, error)(*args, **kwargs)

        return call


counter_cache = _CounterCache("state")

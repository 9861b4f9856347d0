"""Discord's rate limits, as its documentation describes them
(https://discord.com/developers/docs/topics/rate-limits), kept per process.

Every response carries ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset-After`` for
the route's bucket (``X-RateLimit-Bucket``: routes may share a bucket, and a bucket
counts separately per top-level resource, here the guild). When a bucket is spent
the next request on it waits for the reset instead of drawing a 429. A 429 says how
long to wait in its JSON (``retry_after``, seconds with a fraction) and whether the
limit is the bot's global one (``global``: then every route waits).

The state lives in this process (each Celery worker process keeps its own): the
headers of every answer correct it, and a 429 that slips through is waited out and
retried like any other.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .types import RateLimit


@dataclass
class _Bucket:
    remaining: int
    resets_at: float  # time.monotonic()


class RateLimiter:
    """Which routes must wait, and how long. ``route`` is the request's method and
    path template with its top-level resource (``PUT guilds/1/members/:id/roles/:id``),
    so that two members' role changes in one guild share their bucket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bucket_of: dict[str, str] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._global_until = 0.0

    def _key(self, route: str) -> str:
        major = route.split(" ", 1)[-1].split("/", 2)[:2]
        bucket = self._bucket_of.get(route)
        return f"{bucket}:{'/'.join(major)}" if bucket else route

    def wait_for(self, route: str) -> float:
        """Seconds to wait before sending a request on ``route`` (0: go)."""
        now = time.monotonic()
        with self._lock:
            wait = self._global_until - now
            bucket = self._buckets.get(self._key(route))
            if bucket is not None and bucket.remaining <= 0:
                wait = max(wait, bucket.resets_at - now)
        return max(0.0, wait)

    def record(self, route: str, limit: RateLimit) -> None:
        """Remember what a response's headers said about ``route``'s bucket."""
        if limit.remaining is None or limit.reset_after is None:
            return
        now = time.monotonic()
        with self._lock:
            if limit.bucket:
                self._bucket_of[route] = limit.bucket
            self._buckets[self._key(route)] = _Bucket(
                remaining=limit.remaining, resets_at=now + limit.reset_after
            )

    def limited(self, route: str, *, retry_after: float, is_global: bool) -> None:
        """A 429: nothing more on ``route`` (every route, for the global limit)
        for ``retry_after`` seconds."""
        until = time.monotonic() + retry_after
        with self._lock:
            if is_global:
                self._global_until = max(self._global_until, until)
            else:
                key = self._key(route)
                bucket = self._buckets.get(key)
                if bucket is None or bucket.remaining > 0 or bucket.resets_at < until:
                    self._buckets[key] = _Bucket(remaining=0, resets_at=until)

    def clear(self) -> None:
        with self._lock:
            self._bucket_of.clear()
            self._buckets.clear()
            self._global_until = 0.0


# One per process: every client of the bot shares what Discord said.
rate_limiter = RateLimiter()

"""Redis and the caches. ``REDIS_URL`` unset means the embedded default: in-process
caches (and, in ``celery.py``, eager tasks).

Two aliases, because they differ in what losing an entry costs:

- ``default`` is a cache: catalog answers, access answers, anything that can be
  rebuilt. Under memory pressure its Redis may evict (``allkeys-lru``). When its
  Redis is unreachable, reads miss and writes are dropped (``IGNORE_EXCEPTIONS``):
  the portal answers from the database, slower, instead of failing.
- ``state`` holds what must not silently disappear: throttle and sign-in backoff
  counters, the JWT denylists (tokens, token families) and used MFA tokens. An
  evicted entry there would reset a throttle or revive a revoked token, so its Redis
  must run ``maxmemory-policy noeviction`` (``docker/redis-state.conf``): when full
  it refuses writes instead. ``STATE_REDIS_URL`` points at it; unset, it shares
  ``REDIS_URL`` under its own key prefix, which is only as safe as that Redis's
  eviction policy.
"""

from . import env

REDIS_URL = env.str("REDIS_URL", default="")
STATE_REDIS_URL = env.str("STATE_REDIS_URL", default=REDIS_URL)
_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="portal")


def redis_cache(url: str, prefix: str, *, ignore_errors: bool) -> dict:
    """A django-redis cache. ``ignore_errors``: a Redis error reads as a miss and a
    write is dropped (logged), so whatever the cache speeds up falls through to the
    database instead of failing; only for caches of what can be rebuilt."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": ignore_errors,
        },
    }


def _in_process(name: str) -> dict:
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,
    }


# An unreachable cache is logged once per failed call, not raised.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {
    "default": (
        redis_cache(REDIS_URL, _KEY_PREFIX, ignore_errors=True)
        if REDIS_URL
        else _in_process("portal")
    ),
    # Errors are raised here: a throttle must not silently reset, and the JWT
    # revocation check falls back to the database on its own
    # (``portal.accounts.tokens.is_access_token_denied``).
    "state": (
        redis_cache(STATE_REDIS_URL, f"{_KEY_PREFIX}-state", ignore_errors=False)
        if STATE_REDIS_URL
        else _in_process("portal-state")
    ),
}

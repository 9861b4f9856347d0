"""Redis and the caches. ``REDIS_URL`` unset means the embedded default: in-process
caches (and, in ``celery.py``, eager tasks).

Two aliases, because they differ in what losing an entry costs:

- ``default`` is a cache: catalog answers, access answers, anything that can be
  rebuilt. Under memory pressure its Redis may evict (``allkeys-lru``).
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


def _redis(url: str, prefix: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }


def _in_process(name: str) -> dict:
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,
    }


CACHES = {
    "default": _redis(REDIS_URL, _KEY_PREFIX) if REDIS_URL else _in_process("portal"),
    "state": (
        _redis(STATE_REDIS_URL, f"{_KEY_PREFIX}-state")
        if STATE_REDIS_URL
        else _in_process("portal-state")
    ),
}

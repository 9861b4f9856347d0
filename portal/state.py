"""The ``state`` cache: counters and revocations that must not be evicted by cache
pressure (throttles, sign-in backoff, JWT denylists, used MFA tokens). Its Redis runs
``maxmemory-policy noeviction``; see ``portal/settings/components/cache.py``."""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

state_cache = ConnectionProxy(caches, "state")

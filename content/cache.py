"""Anonymous catalog responses are cached under a version number; publishing,
unpublishing or archiving a course bumps the version, which retires every cached
entry at once (no key scanning, works with any cache backend)."""

import hashlib
import json

from django.core.cache import cache

VERSION_KEY = "content:catalog:version"
TTL_SECONDS = 60 * 60


def catalog_cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def catalog_cache_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet
        cache.set(VERSION_KEY, 2, timeout=None)


def catalog_cache_key(name: str) -> str:
    return f"content:catalog:v{catalog_cache_version()}:{name}"


def catalog_response_key(name: str, params: dict) -> str:
    """The key of one anonymous API response: the endpoint's ``name`` plus the
    validated, normalized values the answer depends on, never the raw query string.
    A parameter the endpoint does not know, a repeated one or another spelling of
    the same value (``?per_page=500`` for 100, ``?instructor=007``) cannot make a new
    entry, so clients cannot flood the cache. Hashed to keep keys short."""
    canonical = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return catalog_cache_key(f"{name}:{digest}")

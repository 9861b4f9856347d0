"""Anonymous catalog responses are cached under a version number; publishing,
unpublishing or archiving a course bumps the version, which retires every cached
entry at once (no key scanning, works with any cache backend)."""

import hashlib
from urllib.parse import urlencode

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


def catalog_response_key(name: str, query_params) -> str:
    """The key of one anonymous API response: the endpoint's ``name`` plus every
    query parameter (sorted, so ``?a=1&b=2`` and ``?b=2&a=1`` share an entry),
    hashed to keep keys short whatever the client sends."""
    pairs = sorted(
        (key, value) for key in query_params for value in query_params.getlist(key)
    )
    digest = hashlib.sha256(urlencode(pairs).encode()).hexdigest()[:32]
    return catalog_cache_key(f"{name}:{digest}")

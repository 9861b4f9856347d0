"""Answers that are the same for every reader, kept in the ``default`` cache under a
version number per namespace: a change to what they are built from bumps the
version, which retires every entry of the namespace at once (no key scanning, any
cache backend). ``content`` keeps its catalog here, ``learning.skills`` the NICE
framework's reads.

Keys are built from the *validated* values an answer depends on, never the raw
query: a parameter the endpoint does not know, a repeated one or another spelling
of the same value cannot make a new entry, so clients cannot flood the cache. With
the cache unreachable every read builds (the ``default`` cache ignores its errors).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

TTL_SECONDS = 60 * 60


@dataclass(frozen=True)
class SharedCache:
    namespace: str
    ttl: int = TTL_SECONDS

    @property
    def _version_key(self) -> str:
        return f"{self.namespace}:version"

    def version(self) -> str:
        """The namespace's current version: a random token, so that a cleared or
        restarted cache never brings back an old version's entries (or the process
        memos of ``memo``). With the cache unreachable every call gives a new token:
        nothing is reused, nothing stale is served."""
        version = cache.get(self._version_key)
        if version is None:
            cache.add(self._version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self._version_key) or uuid.uuid4().hex
        return version

    def bump(self) -> None:
        """Retire every entry and memo (call after the change commits)."""
        cache.set(self._version_key, uuid.uuid4().hex, timeout=None)

    def key(self, name: str, params: dict | None = None) -> str:
        """The key of one answer: ``name`` plus a hash of ``params`` (the validated,
        normalized values it depends on). The entry stored there carries the
        version it was built under (``get_or_build``)."""
        if params is None:
            return f"{self.namespace}:{name}"
        canonical = json.dumps(params, sort_keys=True, default=str)
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
        return f"{self.namespace}:{name}:{digest}"

    def get_or_build(self, name: str, params: dict, build: Callable[[], dict | None]):
        """``build()``'s answer, from the cache when there. ``build`` may return
        ``None`` or a dict with a true ``"private"`` for an answer that must not be
        shared (a manager's view): it is returned, not stored.

        One round trip: the entry and the namespace's version are read together,
        and an entry built under another version is not used. The version is the
        one read before building, so a bump during the build retires what the
        build stores."""
        key = self.key(name, params)
        found = cache.get_many([self._version_key, key])
        version = found.get(self._version_key) or self.version()
        held = found.get(key)
        if isinstance(held, tuple) and len(held) == 2 and held[0] == version:
            return held[1]
        entry = build()
        if entry is not None and not entry.get("private"):
            cache.set(key, (version, entry), self.ttl)
        return entry

    def memo(self, name: str, build: Callable[[], object]):
        """``build()``'s value kept in this process's memory for the namespace's
        current version: for data too big to fetch from the cache on every read
        (the NICE framework's role-statement map). One cache read per call."""
        version = self.version()
        held = _MEMOS.get((self.namespace, name))
        if held is not None and held[0] == version:
            return held[1]
        value = build()
        _MEMOS[(self.namespace, name)] = (version, value)
        return value


# (namespace, name) -> (version, value); replaced whole, so threads see either.
_MEMOS: dict[tuple[str, str], tuple[str, object]] = {}

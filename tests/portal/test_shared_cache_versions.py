"""``portal.shared_cache.SharedCache``: an entry is served only under the version it
was built for, and a hit is one round trip to the cache."""

import pytest
from django.core.cache import cache

from portal import shared_cache
from portal.shared_cache import SharedCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared():
    return SharedCache("tests:shared")


def counting(monkeypatch):
    """The real cache, its reads counted."""
    calls = {"get": 0, "get_many": 0}
    for name in calls:
        real = getattr(cache, name)

        def wrapped(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(shared_cache.cache, name, wrapped)
    return calls


def test_an_entry_is_built_once_and_a_hit_is_one_read(shared, monkeypatch):
    builds = []
    assert shared.get_or_build("a", {"page": 1}, lambda: builds.append(1) or {"n": 1})
    calls = counting(monkeypatch)
    assert shared.get_or_build("a", {"page": 1}, lambda: {"n": 2}) == {"n": 1}
    assert calls == {"get": 0, "get_many": 1}
    assert builds == [1]
    # Other parameters are another entry.
    assert shared.get_or_build("a", {"page": 2}, lambda: {"n": 3}) == {"n": 3}


def test_a_bump_retires_every_entry(shared):
    shared.get_or_build("a", {}, lambda: {"n": 1})
    shared.bump()
    assert shared.get_or_build("a", {}, lambda: {"n": 2}) == {"n": 2}
    assert shared.get_or_build("a", {}, lambda: {"n": 3}) == {"n": 2}


def test_what_a_build_stores_during_a_bump_is_not_served(shared):
    def build_while_bumped():
        shared.bump()  # a publish commits while the old answer is being built
        return {"n": "stale"}

    assert shared.get_or_build("a", {}, build_while_bumped) == {"n": "stale"}
    assert shared.get_or_build("a", {}, lambda: {"n": "fresh"}) == {"n": "fresh"}


def test_private_answers_and_a_cleared_cache(shared):
    assert shared.get_or_build("a", {}, lambda: {"private": True, "n": 1})["n"] == 1
    assert shared.get_or_build("a", {}, lambda: {"n": 2}) == {"n": 2}
    cache.clear()  # the version goes too: a new one, nothing old comes back
    assert shared.get_or_build("a", {}, lambda: {"n": 3}) == {"n": 3}

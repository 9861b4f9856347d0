"""The user row of an API request, kept in this process's memory between requests.

Every API request reads its user: without this a query per request (a tenth of a
cheap read's CPU, measured by ``make bench``). A user row seldom changes, so each
process keeps the rows it read, and trusts one only while the user's *generation*
is the one it was read under:

- the generation is a random token in the state cache (``user:gen:<id>``), read in
  the same round trip as the token's denylist entries (``tokens.access_token_state``),
  so checking it costs no extra request to Redis;
- every save or delete of a ``User`` (whatever screen or service did it: they all
  end in ``User.save``, see ``signals``) gives the user a new generation once its
  transaction commits, so every process reads the row again on that user's next
  request;
- a row is kept at most ``MAX_AGE`` seconds and only ``MAX_USERS`` of them, and
  never when the generation is unknown (state cache unreachable or the key gone):
  then the database answers, as before;
- with a read replica configured nothing is kept: each request reads its user
  where its reads go (``portal.replicas``), as before.

Each request gets its own ``User`` instance built from the kept values, so nothing
one request sets on its user is seen by another.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

from portal.state import state_cache as cache

from .models import User

GENERATION_PREFIX = "user:gen:"
GENERATION_TTL = 7 * 24 * 60 * 60
MAX_AGE = 60.0
MAX_USERS = 4096

_rows: OrderedDict[int, tuple[str, float, tuple]] = OrderedDict()
_lock = threading.Lock()


def generation_key(user_id: int | str) -> str:
    return f"{GENERATION_PREFIX}{user_id}"


def _fields():
    return User._meta.concrete_fields


def request_user(user_id: int, generation: str | None) -> User | None:
    """The user ``user_id`` (``None``: no such user), from this process's memory
    when it was read under ``generation`` less than ``MAX_AGE`` seconds ago, else
    from the database. ``generation``: the value of ``generation_key(user_id)`` read
    with the token's state (``None`` when unknown)."""
    if "replica" in settings.DATABASES:
        # Reads follow the replica routing (``portal.replicas``): a row kept from
        # a lagging replica would outlive the lag by up to MAX_AGE.
        return User.objects.filter(pk=user_id).first()
    now = time.monotonic()
    if generation is not None:
        with _lock:
            held = _rows.get(user_id)
        if held is not None and held[0] == generation and now - held[1] < MAX_AGE:
            return _build(held[2])
    else:
        generation = _new_generation(user_id)
    user = User.objects.filter(pk=user_id).first()
    if user is None or generation is None:
        return user
    values = tuple(getattr(user, field.attname) for field in _fields())
    with _lock:
        _rows[user_id] = (generation, now, values)
        _rows.move_to_end(user_id)
        while len(_rows) > MAX_USERS:
            _rows.popitem(last=False)
    return user


def _build(values: tuple) -> User:
    return User.from_db(
        DEFAULT_DB_ALIAS, [field.attname for field in _fields()], values
    )


def _new_generation(user_id: int) -> str | None:
    """Give a user without one a generation before reading the row (a change
    committed after the read then replaces it); ``None`` when the state cache
    cannot store it (the row is not kept)."""
    from .tokens import STATE_ERRORS

    token = uuid.uuid4().hex
    try:
        added = cache.add(generation_key(user_id), token, timeout=GENERATION_TTL)
    except STATE_ERRORS:
        return None
    return token if added else None


def user_changed(user_id: int) -> None:
    """A user row changed (saved or deleted): once the transaction commits, every
    process reads it again. Called by ``signals`` on every save and delete."""
    transaction.on_commit(lambda: _bump(user_id), robust=True)
    with _lock:
        _rows.pop(user_id, None)


def _bump(user_id: int) -> None:
    from .tokens import STATE_ERRORS

    try:
        cache.set(generation_key(user_id), uuid.uuid4().hex, timeout=GENERATION_TTL)
    except STATE_ERRORS:
        # Unreachable: while it is, tokens are checked in the database and no kept
        # row is used (no generation is read); once it is back, a row another
        # process kept from before the change is used at most MAX_AGE longer.
        return


def forget_all() -> None:
    """Drop every kept row (tests)."""
    with _lock:
        _rows.clear()

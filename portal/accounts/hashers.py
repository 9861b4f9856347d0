"""Password hashing on OWASP's current Argon2id parameters, a few at a time.

Django's Argon2 hasher defaults to 100 MiB and 8 lanes: about 120 ms of CPU per
sign-in, so a few dozen sign-ins a second take a small server down. OWASP's Password
Storage Cheat Sheet lists Argon2id with m=19 MiB, t=2, p=1 as the first choice; that
costs ~20-30 ms (``make bench``). The algorithm name stays ``argon2``, so hashes
made with other parameters are still checked by this hasher, and Django rehashes
them with these parameters at the next successful sign-in (``must_update`` compares
them).

Even so a sign-in is the most expensive request the portal serves (~30-45 ms of CPU
against 1-3 ms for a read, ``make bench``), and a storm of them (a class signing in
at nine o'clock, clients retrying refused sign-ins) can take every core, so that the
learners already signed in wait too. Hence ``hash_slot``: at most
``PASSWORD_HASH_SLOTS`` hashes run at once on the machine (default: half its cores,
at least one), across every gunicorn worker; a hash waits at most
``PASSWORD_HASH_WAIT_MS`` for a slot and otherwise the request is answered 503 with
``Retry-After`` (``HashingBusy``) at once. Only the hashing is limited, so
everything else keeps at least the other half of the machine. Every path that
hashes goes through the hashers below (API and web sign-in, registration, password
change and reset, the unknown-address check that costs the same as a known one).

The slots are ``flock`` locks on files in ``PASSWORD_HASH_SLOT_DIR``: the kernel
releases a lock when its process dies, so a worker killed in the middle of a hash
(gunicorn's timeout) cannot keep its slot.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.hashers import PBKDF2PasswordHasher as DjangoPBKDF2

from portal.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

# Threads of one process that may wait for a slot at once (besides the one hashing):
# the others are refused at once instead of holding a request thread for up to
# ``PASSWORD_HASH_WAIT_MS`` while the reads behind them queue.
PROCESS_WAITERS = 2


class HashingBusy(ServiceUnavailable):
    """Every hashing slot stayed busy for ``PASSWORD_HASH_WAIT_MS``: 503."""

    retry_after = 2

    def __init__(self):
        super().__init__(
            "Too many sign-ins at this moment. Try again in a few seconds."
        )


_local = threading.local()
_process_gate = threading.BoundedSemaphore(PROCESS_WAITERS)


def slot_dir() -> Path:
    configured = getattr(settings, "PASSWORD_HASH_SLOT_DIR", "")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"portal-hash-slots-{os.getuid()}"


def _try_slots(folder: Path, slots: int) -> int | None:
    """An open, locked slot file's descriptor, or ``None`` when all are taken."""
    start = random.randrange(slots)  # noqa: S311 - spreads the files, not a secret
    for k in range(slots):
        fd = os.open(
            folder / f"slot-{(start + k) % slots}", os.O_RDWR | os.O_CREAT, 0o600
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


@contextmanager
def hash_slot():
    """Hold one of the machine's hashing slots for the block (re-entrant within a
    thread: PBKDF2's ``verify`` calls its ``encode``); raises ``HashingBusy``
    when none frees up in time. ``PASSWORD_HASH_SLOTS`` = 0: no limit."""
    slots = settings.PASSWORD_HASH_SLOTS
    if not slots or getattr(_local, "depth", 0):
        _local.depth = getattr(_local, "depth", 0) + 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    if not _process_gate.acquire(blocking=False):
        raise HashingBusy()
    try:
        fd = _slot_wait(slots)
    finally:
        _process_gate.release()
    _local.depth = 1
    try:
        yield
    finally:
        _local.depth = 0
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


def _slot_wait(slots: int) -> int | None:
    """A slot's locked descriptor, waiting up to ``PASSWORD_HASH_WAIT_MS``;
    ``HashingBusy`` when none frees up; ``None`` when the slot folder cannot be
    used (logged: hashing without a limit beats refusing every sign-in)."""
    folder = slot_dir()
    deadline = time.monotonic() + settings.PASSWORD_HASH_WAIT_MS / 1000
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        while (fd := _try_slots(folder, slots)) is None:
            if time.monotonic() >= deadline:
                raise HashingBusy()
            time.sleep(0.002)
    except OSError as exc:  # not a busy slot: _try_slots handles those
        logger.warning(
            "Password hashing slots unusable in %s (%s): hashing without a limit",
            folder,
            exc,
        )
        return None
    return fd


class SlotHashingMixin:
    """Runs the hasher's work inside ``hash_slot``."""

    def encode(self, *args, **kwargs):
        with hash_slot():
            return super().encode(*args, **kwargs)

    def verify(self, *args, **kwargs):
        with hash_slot():
            return super().verify(*args, **kwargs)


class Argon2idPasswordHasher(SlotHashingMixin, Argon2PasswordHasher):
    """Argon2id (Django's hasher already uses the ``id`` variant), 19 MiB, t=2, p=1."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class PBKDF2PasswordHasher(SlotHashingMixin, DjangoPBKDF2):
    """Django's PBKDF2 (hashes made elsewhere, upgraded at the next sign-in), inside
    the same slots: at Django's iterations it costs more than Argon2id here."""

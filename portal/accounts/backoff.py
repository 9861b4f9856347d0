"""Sign-in backoff per (account, client address), and the lock state an admin sees.

A lockout per account is a weapon: whoever knows an email could keep its owner out.
So wrong passwords slow down the *address* they come from, for that account only:
the first ``LOGIN_BACKOFF_FREE_FAILURES`` are free, then each further failure doubles
the wait before the next try from there (``LOGIN_BACKOFF_BASE_SECONDS``, capped at
``LOGIN_BACKOFF_MAX_SECONDS``), and the pair is forgotten
``LOGIN_BACKOFF_RESET_SECONDS`` after its last failure or at a correct password. The
owner, from any other address, signs in as usual. A much higher per-account ceiling
(the ``login_account`` throttle rate) still bounds guessing spread over many
addresses. No CAPTCHA.

One cache entry per account holds its addresses (``{ip: [failures, last]}``), so an
admin can see and clear all of them at once (``login_lock_state``,
``login_failures_clear``).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.state import counter_cache as cache

# The throttle scope of the per-account ceiling (``throttles.LoginAccountThrottle``).
ACCOUNT_CEILING_SCOPE = "login_account"
_clock = time.time


def _key(email: str) -> str:
    return f"login-backoff:{email}"


def _ceiling_key(email: str) -> str:
    return SimpleRateThrottle.cache_format % {
        "scope": ACCOUNT_CEILING_SCOPE,
        "ident": email,
    }


def _delay(failures: int) -> float:
    extra = failures - settings.LOGIN_BACKOFF_FREE_FAILURES
    if extra <= 0:
        return 0.0
    delay = settings.LOGIN_BACKOFF_BASE_SECONDS * 2 ** min(extra - 1, 32)
    return min(delay, settings.LOGIN_BACKOFF_MAX_SECONDS)


def _live(entries: dict, now: float) -> dict:
    reset = settings.LOGIN_BACKOFF_RESET_SECONDS
    return {ip: entry for ip, entry in entries.items() if entry[1] > now - reset}


def _wait(entry: list, now: float) -> float:
    failures, last = entry
    return max(0.0, last + _delay(failures) - now)


def login_backoff_wait(*, email: str, ip: str) -> float:
    """Seconds this address must still wait before trying this account again."""
    entry = cache.get(_key(email), {}).get(ip)
    return _wait(entry, _clock()) if entry else 0.0


def login_backoff_failure_record(*, email: str, ip: str) -> None:
    now = _clock()
    entries = _live(cache.get(_key(email), {}), now)
    failures = entries.get(ip, [0, now])[0] + 1
    entries[ip] = [failures, now]
    cache.set(_key(email), entries, settings.LOGIN_BACKOFF_RESET_SECONDS)


def login_backoff_forget(*, email: str, ip: str) -> None:
    """A correct password from this address: its failures no longer count."""
    entries = cache.get(_key(email))
    if entries and entries.pop(ip, None) is not None:
        cache.set(_key(email), entries, settings.LOGIN_BACKOFF_RESET_SECONDS)


def login_failures_clear(*, email: str) -> None:
    """Forget every address's failures for this account and its ceiling count."""
    cache.delete_many([_key(email), _ceiling_key(email)])


@dataclass(frozen=True)
class LoginLockState:
    """What the admin shows: addresses slowed down now, and whether the
    per-account ceiling refuses every address."""

    slowed: dict[str, int]
    ceiling_reached: bool

    def __str__(self) -> str:
        if self.ceiling_reached:
            return "locked (account ceiling)"
        if self.slowed:
            return f"slowed from {len(self.slowed)} address(es)"
        return "-"


def login_lock_state(*, email: str) -> LoginLockState:
    now = _clock()
    entries = _live(cache.get(_key(email), {}), now)
    slowed = {
        ip: int(wait) + 1
        for ip, entry in entries.items()
        if (wait := _wait(entry, now)) > 0
    }
    rate = settings.THROTTLE_RATES.get(ACCOUNT_CEILING_SCOPE)
    ceiling_reached = False
    if rate:
        # ``parse_rate`` does not read the instance; a throttle needs a scope to exist.
        limit, duration = SimpleRateThrottle.parse_rate(None, rate)
        history = cache.get(_ceiling_key(email), [])
        ceiling_reached = sum(1 for t in history if t > now - duration) >= limit
    return LoginLockState(slowed=slowed, ceiling_reached=ceiling_reached)

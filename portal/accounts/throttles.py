"""Rate limits for the authentication endpoints, backed by the ``state`` cache (Redis
that never evicts, ``portal.state``).

Rates come from ``settings.THROTTLE_RATES`` (each overridable by an environment
variable, see ``.env.example``) and are read per request, so tests and operators can
change them without a restart of the class definitions.

Login and MFA throttles count *failures* only: a person who signs in successfully many
times is not locked out, while guessing is, per IP and per account independently.
Wrong passwords slow down the (account, address) pair they come from
(``LoginBackoffThrottle``, see ``backoff.py``), so a guesser cannot lock the owner
out; the per-account limit is only a much higher ceiling.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.proxies import client_ip
from portal.state import counter_cache

from . import backoff
from .models import normalize_email
from .tokens import read_mfa_token


class PortalRateThrottle(SimpleRateThrottle):
    scope = ""
    # Not the default cache: an evicted counter would reset the limit. During a
    # Redis outage the counters live in this process (``portal.state``).
    cache = counter_cache

    def get_ident(self, request):
        """The client address by ``portal.proxies`` rather than DRF's
        ``NUM_PROXIES``, which believes X-Forwarded-For from any peer."""
        return client_ip(request) or request.META.get("REMOTE_ADDR")

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)

    def ident_key(self, request) -> str | None:
        return self.get_ident(request)

    def get_cache_key(self, request, view):
        ident = self.ident_key(request)
        if not ident:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CountingThrottle(PortalRateThrottle):
    """Every request counts (registration, password reset)."""


class FailureThrottle(PortalRateThrottle):
    """Only recorded failures count; a request is refused once the failures in the
    window reach the rate."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return True

    def record_failure(self) -> None:
        if self.rate is None or getattr(self, "key", None) is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)

    def record_success(self) -> None:
        """A correct password: only the per-address backoff forgets on it."""


def _email_from_body(request) -> str | None:
    try:
        email = request.data.get("email")
    except AttributeError:
        return None
    return normalize_email(email) if isinstance(email, str) and email.strip() else None


class LoginIPThrottle(FailureThrottle):
    scope = "login_ip"


class LoginAccountThrottle(FailureThrottle):
    scope = "login_account"

    def ident_key(self, request):
        return _email_from_body(request)


class LoginBackoffThrottle(PortalRateThrottle):
    """Wrong passwords per (account, client address), with a doubling wait; its
    state lives in ``backoff`` rather than in a rate."""

    def allow_request(self, request, view):
        email, ip = _email_from_body(request), self.get_ident(request)
        self.pair = (email, ip) if email and ip else None
        if self.pair is None:
            return True
        self.remaining = backoff.login_backoff_wait(email=email, ip=ip)
        return self.remaining <= 0

    def wait(self):
        return self.remaining

    def record_failure(self) -> None:
        if self.pair:
            backoff.login_backoff_failure_record(email=self.pair[0], ip=self.pair[1])

    def record_success(self) -> None:
        if self.pair:
            backoff.login_backoff_forget(email=self.pair[0], ip=self.pair[1])


class MFAThrottle(FailureThrottle):
    scope = "mfa"


class MFAAccountThrottle(FailureThrottle):
    """Wrong codes per account, from whatever addresses they come: the signed
    ``mfa_token`` names the account, and a new token (signing in again) names the
    same one."""

    scope = "mfa_account"

    def ident_key(self, request):
        try:
            raw = request.data.get("mfa_token")
        except AttributeError:
            return None
        payload = read_mfa_token(raw) if isinstance(raw, str) else None
        return f"user:{payload['uid']}" if payload and "uid" in payload else None


class RegisterIPThrottle(CountingThrottle):
    scope = "register_ip"


class PasswordResetThrottle(CountingThrottle):
    """Per IP and, separately, per target email."""

    scope = "password_reset"


class PasswordResetAccountThrottle(CountingThrottle):
    scope = "password_reset"

    def ident_key(self, request):
        email = _email_from_body(request)
        return f"email:{email}" if email else None

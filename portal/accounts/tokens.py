"""JWTs: claims, the denylists (one access token, one session's token family) and
the short-lived MFA login token.

Every token of one sign-in carries the same ``fam`` claim: the login issues a new
family, each refresh passes it on. Denying a family ends that session at once
(logout, a reused refresh token) and leaves the user's other sessions alone.

The session controls (``services.session_controls``) ride on the same claims: the
``sst`` claim is when the session started (no token of it is accepted
``SESSION_ABSOLUTE_LIFETIME_SECONDS`` after that), and the state cache keeps when a
family was last used (``family_activity``) for the idle timeout.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import (
    AccessToken,
    RefreshToken,
    Token,
    UntypedToken,
)

from portal.state import state_cache as cache

from . import request_users
from .permissions import effective_role, permissions_for

logger = logging.getLogger(__name__)
# What the state cache raises when its Redis cannot be reached.
STATE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
DENYLIST_PREFIX = "jwt:deny:"
FAMILY_DENYLIST_PREFIX = "jwt:deny-family:"
FAMILY_ACTIVITY_PREFIX = "jwt:seen-family:"
MFA_TOKEN_SALT = "portal.accounts.mfa-login"  # noqa: S105 - a salt, not a secret  # nosec B105
MFA_TOKEN_MAX_AGE = 300


class _CheckedSignatures:
    """The payloads of access tokens whose signature this process has checked, by
    the token's exact bytes: a learner's client sends the same token for up to 15
    minutes, and decoding and verifying it again (PyJWT) was 5 % of the API's CPU
    under load (``make bench``). What does not change for a given token is
    remembered, nothing else: its expiry is checked on every use (an expired entry
    is dropped and the token decoded again, which refuses it as before), and
    revocation is the state cache's check on every request (``access_token_state``).
    A token that differs in any byte is a different key and is verified in full.
    At most ``MAX_TOKENS`` per process, the oldest forgotten first."""

    MAX_TOKENS = 4096

    def __init__(self, backend):
        self.backend = backend
        self.payloads: dict[bytes, dict] = {}
        self.lock = threading.Lock()

    def decode(self, token, verify: bool = True) -> dict:
        if not verify:
            return self.backend.decode(token, verify=False)
        key = token.encode() if isinstance(token, str) else bytes(token)
        payload = self.payloads.get(key)
        if payload is not None:
            if payload.get("exp", 0) > time.time():
                return dict(payload)  # a copy: a token's payload may be changed
            with self.lock:  # expired: decoded again below, and refused
                self.payloads.pop(key, None)
        payload = self.backend.decode(token, verify=True)  # raises when invalid
        with self.lock:
            while len(self.payloads) >= self.MAX_TOKENS:
                del self.payloads[next(iter(self.payloads))]
            self.payloads[key] = payload
        return dict(payload)

    def forget_all(self) -> None:
        with self.lock:
            self.payloads.clear()

    def __getattr__(self, name):
        return getattr(self.backend, name)  # encode, get_leeway, ...


checked_signatures = _CheckedSignatures(token_backend)


class PortalAccessToken(AccessToken):
    """The access token the API accepts (``SIMPLE_JWT["AUTH_TOKEN_CLASSES"]``):
    simplejwt's, with its signature check remembered (``_CheckedSignatures``)."""

    @property
    def token_backend(self):
        return checked_signatures


def session_version(user) -> int:
    """Changes whenever the user's sessions are revoked; tokens carry it as ``sv``."""
    revoked = user.sessions_revoked_at
    return int(revoked.timestamp() * 1_000_000) if revoked else 0


def new_token_family() -> str:
    return secrets.token_hex(16)


def issue_token_pair(
    user, *, family: str, started_at: int | None = None
) -> tuple[str, str]:
    """A refresh token and its access token, with the claims of API.md, the
    session's ``fam`` and its start ``sst`` (epoch seconds; now for a new session).
    Lifetimes stay those of API.md; past the session's absolute lifetime the
    server refuses both (``session_controls.api_session_over``)."""
    refresh = RefreshToken.for_user(user)
    refresh["fam"] = family
    started_at = int(started_at or refresh.current_time.timestamp())
    refresh["sst"] = started_at
    refresh["user_id"] = user.pk  # simplejwt writes a string; ids are integers (API.md)
    refresh["email"] = user.email
    refresh["role"] = effective_role(user)
    refresh["permissions"] = permissions_for(user)
    refresh["sv"] = session_version(user)
    access = refresh.access_token
    # simplejwt stamps the access token's ``iat`` with its own clock reading but its
    # ``exp`` from the refresh token's; one instant for both keeps ``exp - iat`` exact.
    access.set_iat(at_time=refresh.current_time)
    # simplejwt stored the token before our claims were added; store the one handed
    # out, so that ``token_family`` can find a session's live refresh tokens.
    OutstandingToken.objects.filter(jti=refresh["jti"]).update(token=str(refresh))
    return str(access), str(refresh)


def read_refresh_token(raw: str) -> Token | None:
    """A refresh token's claims when its signature and expiry hold, blacklisted or
    not: ``RefreshToken`` refuses a blacklisted one outright, but a reused token has
    to be recognised to end its session."""
    try:
        token = UntypedToken(raw)
    except TokenError:
        return None
    if token.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        return None
    return token


def token_family(raw: str) -> str | None:
    """The ``fam`` claim of a token this server issued and stored (no checks)."""
    return token_backend.decode(raw, verify=False).get("fam")


def deny_access_token(token) -> None:
    """Revoke an access token at once: its ``jti`` is denied until it would expire."""
    remaining = int(token["exp"] - timezone.now().timestamp()) + 1
    if remaining > 0:
        cache.set(f"{DENYLIST_PREFIX}{token['jti']}", 1, timeout=remaining)


def deny_token_family(family: str) -> None:
    """End every token of one session: denied for as long as the newest of them,
    a refresh token issued just now, could live."""
    timeout = int(api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()) + 1
    cache.set(f"{FAMILY_DENYLIST_PREFIX}{family}", 1, timeout=timeout)


def is_token_family_denied(family: str, *, user_id: int | None = None) -> bool:
    try:
        return cache.get(f"{FAMILY_DENYLIST_PREFIX}{family}") is not None
    except STATE_ERRORS:
        logger.warning("state cache unreachable: token family checked in the database")
        return user_id is None or family_ended_in_database(user_id, family)


def is_access_token_denied(token) -> bool:
    """Whether the token itself or its session was revoked (``access_token_state``)."""
    return access_token_state(token).denied


@dataclass(frozen=True)
class AccessTokenState:
    """What the state cache says about an access token: ``denied`` (the token or
    its session was revoked), ``seen`` (when its session was last used, epoch
    seconds) and ``user_generation`` (``request_users``); ``None``: unknown."""

    denied: bool
    seen: float | None = None
    user_generation: str | None = None


def access_token_state(token) -> AccessTokenState:
    """The token's state (``AccessTokenState``) in one cache round trip. With the
    state cache unreachable, the database decides revocation (never "not revoked"
    by default): the session is over when none of its refresh tokens is still
    live."""
    family = token.get("fam")
    user_id = token.get(api_settings.USER_ID_CLAIM)
    denial = [f"{DENYLIST_PREFIX}{token.get('jti', '')}"]
    if family:
        denial.append(f"{FAMILY_DENYLIST_PREFIX}{family}")
    seen_key = f"{FAMILY_ACTIVITY_PREFIX}{family}"
    generation_key = request_users.generation_key(user_id)
    keys = [*denial, generation_key]
    if family:
        keys.append(seen_key)
    try:
        found = cache.get_many(keys)
    except STATE_ERRORS:
        logger.warning(
            "state cache unreachable: token revocation checked in the database"
        )
        if not family or user_id is None:
            return AccessTokenState(denied=True)  # cannot be shown to be live
        return AccessTokenState(denied=family_ended_in_database(user_id, family))
    return AccessTokenState(
        denied=any(key in found for key in denial),
        seen=found.get(seen_key) if family else None,
        user_generation=found.get(generation_key) if user_id is not None else None,
    )


def family_activity(family: str) -> float | None:
    """When a session's tokens were last used (epoch seconds), if known."""
    try:
        return cache.get(f"{FAMILY_ACTIVITY_PREFIX}{family}")
    except STATE_ERRORS:
        return None


def family_activity_record(family: str, at: float) -> None:
    """Remember that a session's tokens were used at ``at``; kept as long as a
    session may live. Lost with the cache, the token's own ``iat`` stands in."""
    try:
        cache.set(
            f"{FAMILY_ACTIVITY_PREFIX}{family}",
            at,
            timeout=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS,
        )
    except STATE_ERRORS:
        logger.warning("state cache unreachable: session activity not recorded")


def family_ended_in_database(user_id, family: str) -> bool:
    """The database's answer to "was this session ended?": every ending of a session
    (logout, a reused refresh token, ``user_sessions_revoke``) blacklists its live
    refresh tokens, and a live session always has one refresh token that is neither
    blacklisted nor expired (rotation blacklists the old one only after issuing the
    new). One query over the user's few live refresh tokens."""
    live = OutstandingToken.objects.filter(
        user_id=user_id,
        expires_at__gt=timezone.now(),
        blacklistedtoken__isnull=True,
    ).values_list("token", flat=True)
    return not any(token_family(raw) == family for raw in live)


def make_mfa_token(user) -> str:
    payload = {"uid": user.pk, "sv": session_version(user), "n": secrets.token_hex(8)}
    return signing.dumps(payload, salt=MFA_TOKEN_SALT)


def read_mfa_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=MFA_TOKEN_SALT, max_age=MFA_TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _mfa_used_key(payload: dict) -> str:
    return f"mfa:used:{payload['n']}"


def mfa_token_used(payload: dict) -> bool:
    return cache.get(_mfa_used_key(payload)) is not None


def consume_mfa_token(payload: dict) -> bool:
    """Single use: the first successful verification wins."""
    return cache.add(_mfa_used_key(payload), 1, timeout=MFA_TOKEN_MAX_AGE)


def password_reset_token_generator():
    return allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR()


def password_reset_key(user) -> str:
    """The reset key, in allauth's format so the emailed web link and the API accept
    the same value: ``<uid base36>-<token>``. Bound to the password hash, so it is
    single-use; it expires after ``PASSWORD_RESET_TIMEOUT``."""
    token = password_reset_token_generator().make_token(user)
    return f"{user_pk_to_url_str(user)}-{token}"

"""JWTs: claims, the access-token denylist and the short-lived MFA login token."""

import secrets

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from .permissions import effective_role, permissions_for

DENYLIST_PREFIX = "jwt:deny:"
MFA_TOKEN_SALT = "portal.accounts.mfa-login"  # noqa: S105 - a salt, not a secret
MFA_TOKEN_MAX_AGE = 300


def session_version(user) -> int:
    """Changes whenever the user's sessions are revoked; tokens carry it as ``sv``."""
    revoked = user.sessions_revoked_at
    return int(revoked.timestamp() * 1_000_000) if revoked else 0


def issue_token_pair(user) -> tuple[str, str]:
    """A refresh token and its access token, with the claims of API.md."""
    refresh = RefreshToken.for_user(user)
    refresh["user_id"] = user.pk  # simplejwt writes a string; ids are integers (API.md)
    refresh["email"] = user.email
    refresh["role"] = effective_role(user)
    refresh["permissions"] = permissions_for(user)
    refresh["sv"] = session_version(user)
    access = refresh.access_token
    # simplejwt stamps the access token's ``iat`` with its own clock reading but its
    # ``exp`` from the refresh token's; one instant for both keeps ``exp - iat`` exact.
    access.set_iat(at_time=refresh.current_time)
    return str(access), str(refresh)


def deny_access_token(token) -> None:
    """Revoke an access token at once: its ``jti`` is denied until it would expire."""
    remaining = int(token["exp"] - timezone.now().timestamp()) + 1
    if remaining > 0:
        cache.set(f"{DENYLIST_PREFIX}{token['jti']}", 1, timeout=remaining)


def is_access_token_denied(jti: str) -> bool:
    return cache.get(f"{DENYLIST_PREFIX}{jti}") is not None


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

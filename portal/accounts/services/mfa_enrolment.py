"""Two-factor enrolment: turning TOTP on (with recovery codes) and off."""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.core.cache import cache
from django.db import transaction

from portal.crypto.fields import decrypt_text, encrypt_text
from portal.errors import DomainError, InvalidInput

from .. import mfa
from ..models import User
from .base import Client, account_audit

TOTP_SETUP_TIMEOUT = 600


def _setup_cache_key(user: User) -> str:
    return f"mfa:setup:{user.pk}"


def mfa_totp_setup_start(*, user: User) -> dict:
    """Start TOTP enrolment: a new secret, held for ten minutes until confirmed."""
    if mfa.totp_enabled(user):
        raise DomainError(
            "Two-factor authentication is already enabled.", code="CONFLICT"
        )
    secret = mfa.generate_totp_secret()
    # Encrypted in the cache too: a secret in Redis is as good as one in the table.
    cache.set(_setup_cache_key(user), encrypt_text(secret), timeout=TOTP_SETUP_TIMEOUT)
    return {
        "secret": secret,
        "otpauth_url": get_mfa_adapter().build_totp_url(user, secret),
    }


@transaction.atomic
def mfa_totp_confirm(*, user: User, code: str, client: Client = Client()) -> list[str]:
    """Finish enrolment with a code from the app; returns the recovery codes (shown
    once)."""
    stored = cache.get(_setup_cache_key(user))
    secret = decrypt_text(stored) if stored else None
    if not secret:
        raise InvalidInput(
            "Start the setup first; it expires after ten minutes.", field="code"
        )
    if mfa.totp_enabled(user):
        raise DomainError(
            "Two-factor authentication is already enabled.", code="CONFLICT"
        )
    if not mfa.validate_totp_code(secret, (code or "").strip()):
        raise InvalidInput("Invalid authentication code.", field="code")
    mfa.TOTP.activate(user, secret)
    mfa.Authenticator.objects.filter(
        user=user, type=mfa.Authenticator.Type.RECOVERY_CODES
    ).delete()
    codes = mfa.RecoveryCodes.activate(user).generate_codes()
    cache.delete(_setup_cache_key(user))
    account_audit(action="auth.mfa_enabled", user=user, client=client)
    return codes


@transaction.atomic
def mfa_totp_disable(*, user: User, code: str, client: Client = Client()) -> None:
    """Turn MFA off; needs a fresh code from the authenticator app."""
    authenticator = mfa.totp_authenticator(user)
    if authenticator is None:
        raise DomainError("Two-factor authentication is not enabled.", code="CONFLICT")
    if not mfa.TOTP(authenticator).validate_code((code or "").strip()):
        raise InvalidInput("Invalid authentication code.", field="code")
    mfa.Authenticator.objects.filter(user=user).delete()
    account_audit(action="auth.mfa_disabled", user=user, client=client)

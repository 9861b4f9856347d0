"""TOTP and recovery codes, stored in allauth's MFA tables so the web sign-in (allauth)
and the API share one enrolment."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    validate_totp_code,
)

__all__ = [
    "TOTP",
    "Authenticator",
    "RecoveryCodes",
    "generate_totp_secret",
    "totp_authenticator",
    "totp_enabled",
    "validate_totp_code",
]


def totp_authenticator(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def totp_enabled(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()

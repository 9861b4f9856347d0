"""Sign-in and sessions: login (with its second factor), token refresh, logout and
ending every session of a user."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken, Token

from portal.errors import InvalidInput

from .. import mfa, tokens
from ..models import User, normalize_email
from .base import AuthenticationFailed, Client, account_audit


@dataclass(frozen=True)
class LoginResult:
    user: User
    access: str | None = None
    refresh: str | None = None
    mfa_token: str | None = None


def auth_tokens_issue(*, user: User) -> LoginResult:
    """A fresh token pair for a user who has just proven who they are."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    access, refresh = tokens.issue_token_pair(user)
    return LoginResult(user=user, access=access, refresh=refresh)


def auth_login(*, email: str, password: str, client: Client = Client()) -> LoginResult:
    """Check credentials. Returns tokens, or an ``mfa_token`` when the account has MFA.

    Unknown email, wrong password and inactive account fail identically (message and
    the cost of one password hash), so a caller cannot tell which it was. Failures
    are audited outside any transaction so the record survives the error.
    """
    email = normalize_email(email)
    user = ModelBackend().authenticate(None, username=email, password=password)
    if user is None:
        account_audit(
            action="auth.login_failed", client=client, details={"email": email}
        )
        raise AuthenticationFailed("Invalid email or password.")
    if mfa.totp_enabled(user):
        account_audit(action="auth.mfa_challenged", user=user, client=client)
        return LoginResult(user=user, mfa_token=tokens.make_mfa_token(user))
    with transaction.atomic():
        result = auth_tokens_issue(user=user)
        account_audit(action="auth.login_succeeded", user=user, client=client)
    return result


def _check_second_factor(user: User, code: str) -> str | None:
    """Returns which factor matched (``totp``/``recovery_code``) or None."""
    code = (code or "").strip().replace(" ", "")
    authenticator = mfa.totp_authenticator(user)
    if authenticator and code.isdigit() and mfa.TOTP(authenticator).validate_code(code):
        return "totp"
    recovery = mfa.Authenticator.objects.filter(
        user=user, type=mfa.Authenticator.Type.RECOVERY_CODES
    ).first()
    if recovery and mfa.RecoveryCodes(recovery).validate_code(code):
        return "recovery_code"
    return None


def auth_mfa_verify(
    *, mfa_token: str, code: str, client: Client = Client()
) -> LoginResult:
    """Second step of a login with MFA. The ``mfa_token`` is single-use and lives five
    minutes; recovery codes are single-use too."""
    payload = tokens.read_mfa_token(mfa_token)
    user = None
    if payload:
        user = User.objects.filter(pk=payload.get("uid"), is_active=True).first()
    if (
        user is None
        or payload.get("sv") != tokens.session_version(user)
        or tokens.mfa_token_used(payload)
    ):
        raise AuthenticationFailed("Invalid or expired MFA token.")
    factor = _check_second_factor(user, code)
    if factor is None:
        account_audit(action="auth.mfa_failed", user=user, client=client)
        raise AuthenticationFailed("Invalid authentication code.")
    if not tokens.consume_mfa_token(payload):
        raise AuthenticationFailed("Invalid or expired MFA token.")
    with transaction.atomic():
        result = auth_tokens_issue(user=user)
        account_audit(
            action="auth.login_succeeded",
            user=user,
            client=client,
            details={"mfa": factor},
        )
    return result


@transaction.atomic
def auth_refresh(*, refresh: str) -> tuple[str, str]:
    """Rotate a refresh token: the old one is blacklisted, a new pair is issued with the
    user's current claims. Two racing uses of one token: only one wins."""
    try:
        token = RefreshToken(refresh)
    except TokenError:
        raise AuthenticationFailed("Invalid or expired refresh token.") from None
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=token["jti"])
        .first()
    )
    if (
        outstanding is None
        or BlacklistedToken.objects.filter(token=outstanding).exists()
    ):
        raise AuthenticationFailed("Invalid or expired refresh token.")
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None or token.get("sv") != tokens.session_version(user):
        raise AuthenticationFailed("Invalid or expired refresh token.")
    BlacklistedToken.objects.create(token=outstanding)
    return tokens.issue_token_pair(user)


@transaction.atomic
def auth_logout(
    *, user: User, refresh: str, access_token: Token | None, client: Client = Client()
) -> None:
    """End this session: the access token used for the call is denied at once and the
    refresh token is blacklisted. A refresh token that is already invalid is fine
    (logging out twice is not an error); one of another user is refused."""
    if access_token is not None:
        tokens.deny_access_token(access_token)
    try:
        token = RefreshToken(refresh)
    except TokenError:
        token = None
    if token is not None:
        if token.get("user_id") != user.pk:
            raise InvalidInput(
                "This refresh token belongs to another session.", field="refresh"
            )
        outstanding = OutstandingToken.objects.filter(jti=token["jti"]).first()
        if outstanding is not None:
            BlacklistedToken.objects.get_or_create(token=outstanding)
    account_audit(action="auth.logout", user=user, client=client)


def user_sessions_revoke(*, user: User) -> None:
    """End every session of a user: web sessions (the session hash changes), refresh
    tokens (blacklisted) and access tokens (their ``sv`` claim no longer matches)."""
    user.sessions_revoked_at = timezone.now()
    user.save(update_fields=["sessions_revoked_at"])
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now()
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=t) for t in outstanding], ignore_conflicts=True
    )

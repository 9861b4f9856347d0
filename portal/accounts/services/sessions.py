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

from .. import backoff, mfa, tokens
from ..models import SessionEndReason, SessionKind, User, normalize_email
from .base import AuthenticationFailed, Client, account_audit
from .notices import sign_in_device_check
from .session_controls import (
    api_session_over,
    api_session_refreshed,
    api_session_timeout,
    sign_in_session_start,
    sign_in_sessions_end_all,
    token_family_revoke,
)


@dataclass(frozen=True)
class LoginResult:
    user: User
    access: str | None = None
    refresh: str | None = None
    mfa_token: str | None = None


@transaction.atomic
def auth_tokens_issue(*, user: User, client: Client = Client()) -> LoginResult:
    """A fresh token pair, a new API session, for a user who has just proven who
    they are; beyond their role's concurrent-session limit their oldest sessions
    end (``session_controls``)."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    family = tokens.new_token_family()
    sign_in_session_start(user=user, kind=SessionKind.API, key=family, client=client)
    access, refresh = tokens.issue_token_pair(user, family=family)
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
        result = auth_tokens_issue(user=user, client=client)
        account_audit(action="auth.login_succeeded", user=user, client=client)
        sign_in_device_check(user=user, client=client)
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
        result = auth_tokens_issue(user=user, client=client)
        account_audit(
            action="auth.login_succeeded",
            user=user,
            client=client,
            details={"mfa": factor},
        )
        sign_in_device_check(user=user, client=client)
    return result


def auth_refresh(*, refresh: str, client: Client = Client()) -> tuple[str, str]:
    """Rotate a refresh token: the old one is blacklisted, a new pair of the same
    session (``fam``) is issued with the user's current claims. Two racing uses of
    one token: only one wins.

    A refresh token that was already used (or logged out) and is presented again
    was copied: whoever holds the session's newest token is not told apart from the
    thief, so the whole session ends (``token_family_revoke``) and the call fails.

    A session past its absolute lifetime, or unused for its role's idle timeout
    (``session_controls``), ends too: the call fails and the session is over.
    """
    pair = _refresh_rotate(refresh=refresh, client=client)
    if pair is None:
        raise AuthenticationFailed("Invalid or expired refresh token.")
    return pair


@transaction.atomic
def _refresh_rotate(*, refresh: str, client: Client) -> tuple[str, str] | None:
    """The new pair, or None; committed even then, so that a reuse's revocation
    stays when the caller raises."""
    token = tokens.read_refresh_token(refresh)
    if token is None:
        return None
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=token["jti"])
        .first()
    )
    if outstanding is None or outstanding.user_id is None:
        return None
    family = token.get("fam")
    if BlacklistedToken.objects.filter(token=outstanding).exists() or (
        family and tokens.is_token_family_denied(family, user_id=outstanding.user_id)
    ):
        if family:
            token_family_revoke(user_id=outstanding.user_id, family=family)
            account_audit(
                action="auth.refresh_reused",
                user=User.objects.filter(pk=outstanding.user_id).first(),
                client=client,
            )
        return None
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None or token.get("sv") != tokens.session_version(user):
        return None
    over = api_session_over(user=user, token=token)
    if over:
        BlacklistedToken.objects.get_or_create(token=outstanding)
        api_session_timeout(user=user, family=family, reason=over, client=client)
        return None
    BlacklistedToken.objects.create(token=outstanding)
    if family:
        api_session_refreshed(family=family)
    return tokens.issue_token_pair(
        user,
        family=family or tokens.new_token_family(),
        started_at=token.get("sst", token.get("iat")),
    )


@transaction.atomic
def auth_logout(
    *, user: User, refresh: str, access_token: Token | None, client: Client = Client()
) -> None:
    """End this session: every token of its family (``fam`` of the access token used
    for the call and of the refresh token) is denied at once, access tokens issued
    earlier in the session included; the user's other sessions go on. A refresh
    token that is already invalid is fine (logging out twice is not an error); one
    of another user is refused."""
    try:
        token = RefreshToken(refresh)
    except TokenError:
        token = None
    if token is not None and token.get("user_id") != user.pk:
        raise InvalidInput(
            "This refresh token belongs to another session.", field="refresh"
        )
    if access_token is not None:
        tokens.deny_access_token(access_token)
    families = {t.get("fam") for t in (access_token, token) if t is not None}
    for family in families - {None}:
        token_family_revoke(
            user_id=user.pk, family=family, reason=SessionEndReason.LOGOUT
        )
    if token is not None:
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
    sign_in_sessions_end_all(user=user)


def user_sessions_end(*, user: User, actor: User, client: Client = Client()) -> User:
    """An administrator signs ``user`` out everywhere (``user_sessions_revoke``);
    audited as ``user.sessions_ended`` with the admin as actor."""
    user_sessions_revoke(user=user)
    account_audit(
        action="user.sessions_ended",
        user=actor,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    return user


def user_login_unlock(*, user: User, actor: User, client: Client = Client()) -> User:
    """Let ``user`` sign in again from everywhere at once: forget the wrong
    passwords of every address (``backoff.py``) and the per-account ceiling.
    Audited as ``auth.login_unlocked`` with the admin as actor."""
    backoff.login_failures_clear(email=user.email)
    account_audit(
        action="auth.login_unlocked",
        user=actor,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    return user


def user_sign_out_everywhere(*, user: User, client: Client = Client()) -> None:
    """End every session and token of ``user`` (web, API, other devices and this
    one), asked by the person from their profile page."""
    user_sessions_revoke(user=user)
    account_audit(
        action="auth.signed_out_everywhere",
        user=user,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )

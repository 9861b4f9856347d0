"""Every write about people and their sign-in: registration, login, tokens, password
reset, MFA enrolment, profile and role changes. Views call these; these never read a
request. ``ip_address``/``user_agent`` are passed in for the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.utils import url_str_to_user_pk
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken

from portal.audit.services import audit_log_record
from portal.errors import DomainError, InvalidInput, PermissionDenied

from . import mfa, tokens
from .models import Profile, Role, User, normalize_email
from .permissions import is_admin
from .tasks import send_password_reset_email

# Wagtail editor groups that follow a role (created by a data migration).
ROLE_GROUPS = {Role.INSTRUCTOR: "Instructors", Role.ADMIN: "Moderators"}

PROFILE_FIELDS = ("bio", "phone", "organization_name")
USER_FIELDS = ("first_name", "last_name")
ADMIN_FIELDS = ("role", "is_active")


class AuthenticationFailed(DomainError):
    code = "AUTHENTICATION_FAILED"
    status = 401


@dataclass(frozen=True)
class Client:
    """Where a request came from, for the audit log."""

    ip_address: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class LoginResult:
    user: User
    access: str | None = None
    refresh: str | None = None
    mfa_token: str | None = None


def _audit(action: str, *, user=None, client: Client, **kwargs) -> None:
    audit_log_record(
        action=action,
        user=user,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        **kwargs,
    )


def _password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def _raise_password_errors(messages: list[str]) -> None:
    if messages:
        raise InvalidInput(" ".join(messages), field="password")


# --- Registration and login ----------------------------------------------------------


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    client: Client = Client(),
) -> User:
    """Create a student account. Raises ``InvalidInput`` for a taken email (worded as a
    sign-up form would) or a password the validators refuse."""
    email = normalize_email(email)
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    _raise_password_errors(_password_errors(password, candidate))
    if User.objects.filter(email=email).exists():
        raise InvalidInput(
            "A user is already registered with this email address.", field="email"
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, first_name=first_name, last_name=last_name
            )
    except IntegrityError:  # a concurrent registration won the race
        raise InvalidInput(
            "A user is already registered with this email address.", field="email"
        ) from None
    _audit(
        "auth.registered",
        user=user,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    return user


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
        _audit("auth.login_failed", client=client, details={"email": email})
        raise AuthenticationFailed("Invalid email or password.")
    if mfa.totp_enabled(user):
        _audit("auth.mfa_challenged", user=user, client=client)
        return LoginResult(user=user, mfa_token=tokens.make_mfa_token(user))
    with transaction.atomic():
        result = auth_tokens_issue(user=user)
        _audit("auth.login_succeeded", user=user, client=client)
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
        _audit("auth.mfa_failed", user=user, client=client)
        raise AuthenticationFailed("Invalid authentication code.")
    if not tokens.consume_mfa_token(payload):
        raise AuthenticationFailed("Invalid or expired MFA token.")
    with transaction.atomic():
        result = auth_tokens_issue(user=user)
        _audit(
            "auth.login_succeeded", user=user, client=client, details={"mfa": factor}
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
    *, user: User, refresh: str, access_token, client: Client = Client()
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
    _audit("auth.logout", user=user, client=client)


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


# --- Password reset -------------------------------------------------------------------


def password_reset_request(*, email: str, client: Client = Client()) -> None:
    """Email a reset key if an active account uses this email; say nothing either
    way."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    _audit(
        "auth.password_reset_requested",
        user=user,
        client=client,
        details={"email": normalize_email(email), "known": user is not None},
    )
    if user is not None:
        transaction.on_commit(lambda: send_password_reset_email.delay(user.pk))


def _user_from_reset_key(key: str) -> User | None:
    uid, _, token = (key or "").partition("-")
    if not uid or not token:
        return None
    try:
        pk = url_str_to_user_pk(uid)
    except (ValueError, DjangoValidationError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not tokens.password_reset_token_generator().check_token(
        user, token
    ):
        return None
    return user


@transaction.atomic
def password_reset_confirm(
    *, token: str, password: str, client: Client = Client()
) -> User:
    """Set a new password with a reset key. The key is single-use (it is bound to the
    old password hash) and expires after ``PASSWORD_RESET_TIMEOUT``. Every existing
    session of the user ends."""
    user = _user_from_reset_key(token)
    if user is None:
        raise InvalidInput("This reset token is invalid or has expired.", field="token")
    _raise_password_errors(_password_errors(password, user))
    user.set_password(password)
    user.save(update_fields=["password"])
    user_sessions_revoke(user=user)
    _audit(
        "auth.password_reset",
        user=user,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    return user


# --- MFA enrolment --------------------------------------------------------------------

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
    cache.set(_setup_cache_key(user), secret, timeout=TOTP_SETUP_TIMEOUT)
    return {
        "secret": secret,
        "otpauth_url": get_mfa_adapter().build_totp_url(user, secret),
    }


@transaction.atomic
def mfa_totp_confirm(*, user: User, code: str, client: Client = Client()) -> list[str]:
    """Finish enrolment with a code from the app; returns the recovery codes (shown
    once)."""
    secret = cache.get(_setup_cache_key(user))
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
    _audit("auth.mfa_enabled", user=user, client=client)
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
    _audit("auth.mfa_disabled", user=user, client=client)


# --- Profile, role and visibility -----------------------------------------------------


@transaction.atomic
def user_update(
    *, actor: User, user: User, data: dict, client: Client = Client()
) -> User:
    """Update names and profile fields; admins may also change ``role`` and
    ``is_active``. A non-admin sending an admin field is refused whole (nothing is
    saved). A role change or deactivation ends the user's sessions."""
    by_admin = is_admin(actor)
    if not by_admin and actor.pk != user.pk:
        raise PermissionDenied("You may only edit your own profile.")
    sent_admin_fields = [f for f in ADMIN_FIELDS if f in data]
    if sent_admin_fields and not by_admin:
        raise PermissionDenied(
            f"Only administrators may change {', '.join(sent_admin_fields)}."
        )
    old_role, old_active = user.role, user.is_active
    for field in (*USER_FIELDS, *(ADMIN_FIELDS if by_admin else ())):
        if field in data:
            setattr(user, field, data[field])
    demotes_self = data.get("role", old_role) != Role.ADMIN or not data.get(
        "is_active", True
    )
    if by_admin and actor.pk == user.pk and demotes_self:
        raise DomainError("Administrators cannot demote or deactivate themselves.")
    user.save()
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        profile = Profile.objects.create(user=user)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(profile, field, data[field])
    profile.save()

    if user.role != old_role:
        _audit(
            "user.role_changed",
            user=actor,
            client=client,
            resource_type="user",
            resource_id=user.pk,
            details={"from": old_role, "to": user.role},
        )
    if user.is_active != old_active:
        _audit(
            "user.activated" if user.is_active else "user.deactivated",
            user=actor,
            client=client,
            resource_type="user",
            resource_id=user.pk,
        )
    if user.role != old_role:
        user_role_privileges_sync(user=user)
    if user.role != old_role or (old_active and not user.is_active):
        user_sessions_revoke(user=user)
    return user


def user_role_privileges_sync(*, user: User) -> None:
    """Make Django/Wagtail privileges follow the role: admins are superusers and
    moderators, instructors get the editor group; other roles get neither."""
    becomes_admin = user.role == Role.ADMIN
    user.is_superuser = becomes_admin
    user.is_staff = becomes_admin
    user.save(update_fields=["is_superuser", "is_staff"])
    wanted = ROLE_GROUPS.get(user.role)
    user.groups.remove(
        *Group.objects.filter(name__in=ROLE_GROUPS.values()).exclude(name=wanted)
    )
    if wanted:
        user.groups.add(*Group.objects.filter(name=wanted))


def user_view_grant(*, viewer: User, user: User) -> None:
    """Let ``viewer`` see ``user``'s profile and progress (mentor of a mentee,
    corporate rep of an organization member). Called by the services that create
    those relations."""
    assign_perm("accounts.view_user", viewer, user)


def user_view_revoke(*, viewer: User, user: User) -> None:
    remove_perm("accounts.view_user", viewer, user)

"""Accounts and their passwords: sign-up and the password reset flow."""

from __future__ import annotations

from allauth.account.utils import url_str_to_user_pk
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from portal.errors import InvalidInput
from portal.queue import enqueue

from .. import tokens
from ..models import User, normalize_email
from ..tasks import send_password_reset_email
from .base import Client, account_audit
from .notices import password_changed_notify


def _password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def _raise_password_errors(messages: list[str]) -> None:
    if messages:
        raise InvalidInput(" ".join(messages), field="password")


# --- Registration -------------------------------------------------------------------


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
    account_audit(
        action="auth.registered",
        user=user,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    return user


# --- Password reset -------------------------------------------------------------------


def password_reset_request(*, email: str, client: Client = Client()) -> None:
    """Email a reset key if an active account uses this email; say nothing either
    way."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    account_audit(
        action="auth.password_reset_requested",
        user=user,
        client=client,
        details={"email": normalize_email(email), "known": user is not None},
    )
    if user is not None:
        # A reset mail has no sweeper (its key is not stored): without a broker it
        # is sent from this process instead.
        transaction.on_commit(
            lambda: (
                enqueue(send_password_reset_email, args=(user.pk,))
                or send_password_reset_email(user.pk)
            )
        )


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
    session of the user ends (on save: ``portal.accounts.signals``)."""
    user = _user_from_reset_key(token)
    if user is None:
        raise InvalidInput("This reset token is invalid or has expired.", field="token")
    _raise_password_errors(_password_errors(password, user))
    user.set_password(password)
    user.save(update_fields=["password"])
    account_audit(
        action="auth.password_reset",
        user=user,
        client=client,
        resource_type="user",
        resource_id=user.pk,
    )
    password_changed_notify(user=user, client=client)
    return user

"""Reactions to allauth's and Django's sign-in events on the web (decoupled concerns:
the audit trail and ending sessions after a password change)."""

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from portal.audit.services import audit_log_record, request_metadata

from .models import normalize_email
from .services import user_sessions_revoke


def _meta(request) -> dict:
    return request_metadata(request=request) if request is not None else {}


@receiver(user_logged_in, dispatch_uid="accounts.audit_web_login")
def audit_web_login(sender, request, user, **kwargs):
    audit_log_record(
        action="auth.login_succeeded",
        user=user,
        details={"via": "web"},
        **_meta(request),
    )


@receiver(user_logged_out, dispatch_uid="accounts.audit_web_logout")
def audit_web_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log_record(
            action="auth.logout", user=user, details={"via": "web"}, **_meta(request)
        )


@receiver(user_login_failed, dispatch_uid="accounts.audit_web_login_failed")
def audit_web_login_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    audit_log_record(
        action="auth.login_failed",
        details={"via": "web", "email": normalize_email(str(email))},
        **_meta(request),
    )


@receiver(password_reset, dispatch_uid="accounts.revoke_on_web_reset")
@receiver(password_changed, dispatch_uid="accounts.revoke_on_web_change")
def end_sessions_after_password_change(sender, request, user, **kwargs):
    user_sessions_revoke(user=user)
    audit_log_record(
        action="auth.password_reset",
        user=user,
        details={"via": "web"},
        **_meta(request),
    )

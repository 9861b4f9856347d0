"""Reactions to sign-in events and to changes of a user row (decoupled concerns: the
audit trail, and ending sessions and syncing privileges when a password, role or
active flag changes).

Sessions and privileges follow the user row, not the screen that changed it: the
API's services, the Django admin (change form and password form), Wagtail's and
allauth's password views, ``manage.py changepassword`` and a shell all end up in
``User.save``. Overriding each form would leave the next one open, so the rule hangs
on ``pre_save``/``post_save`` of ``User``.
"""

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from portal.audit.services import audit_log_record, request_metadata

from . import request_users
from .models import SessionEndReason, SessionKind, User, normalize_email
from .services import (
    Client,
    password_changed_notify,
    sign_in_device_check,
    user_role_privileges_sync,
    user_sessions_revoke,
)
from .services.session_controls import (
    STATE_KEY,
    sign_in_session_close,
    web_session_start,
)

# The fields whose change ends a user's sessions (and, for the role, re-derives
# ``is_superuser``/``is_staff`` and the editor group).
GUARDED_FIELDS = ("password", "role", "is_active")


def _meta(request) -> dict:
    return request_metadata(request=request) if request is not None else {}


def _client(request) -> Client:
    meta = _meta(request)
    return Client(
        ip_address=meta.get("ip_address"), user_agent=meta.get("user_agent") or ""
    )


@receiver(user_logged_in, dispatch_uid="accounts.audit_web_login")
def audit_web_login(sender, request, user, **kwargs):
    audit_log_record(
        action="auth.login_succeeded",
        user=user,
        details={"via": "web"},
        **_meta(request),
    )
    sign_in_device_check(user=user, client=_client(request))


@receiver(user_logged_in, dispatch_uid="accounts.web_session_register")
def web_session_register(sender, request, user, **kwargs):
    """Every web sign-in is a session the controls count (and may end others:
    the concurrent-session limit)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    session[STATE_KEY] = web_session_start(
        user=user,
        session_key=session.session_key,
        previous=session.get(STATE_KEY),
        client=_client(request),
    )


@receiver(user_logged_out, dispatch_uid="accounts.audit_web_logout")
def audit_web_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    state = session.get(STATE_KEY) if session is not None else None
    if state:
        # The idle and lifetime checks say why they sign a browser out.
        reason = getattr(request, "session_end_reason", SessionEndReason.LOGOUT)
        sign_in_session_close(kind=SessionKind.WEB, key=state["sid"], reason=reason)
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


@receiver(password_reset, dispatch_uid="accounts.audit_web_reset")
@receiver(password_changed, dispatch_uid="accounts.audit_web_change")
def audit_web_password_change(sender, request, user, **kwargs):
    # The sessions end in ``end_sessions_on_guarded_change``, as for every path.
    audit_log_record(
        action="auth.password_reset",
        user=user,
        details={"via": "web"},
        **_meta(request),
    )
    password_changed_notify(user=user, client=_client(request))


@receiver(pre_save, sender=User, dispatch_uid="accounts.remember_guarded_fields")
def remember_guarded_fields(sender, instance, raw, update_fields=None, **kwargs):
    """Read the stored password hash, role and active flag before an update that may
    change them (one query; none for saves of other fields, e.g. ``last_login``)."""
    instance._stored_guarded = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(GUARDED_FIELDS):
        return
    instance._stored_guarded = (
        User.objects.filter(pk=instance.pk).values(*GUARDED_FIELDS).first()
    )


@receiver(post_save, sender=User, dispatch_uid="accounts.end_sessions_on_change")
def end_sessions_on_guarded_change(sender, instance, raw, **kwargs):
    """A new password hash, another role or a deactivation ends every session and
    token of the user; another role also re-derives ``is_superuser``/``is_staff``
    and the editor group from it. A hash upgraded by Django at sign-in counts as a
    new password too (Django's own web sessions end then as well)."""
    stored = instance.__dict__.pop("_stored_guarded", None)
    if raw or stored is None:
        return
    role_changed = stored["role"] != instance.role
    if role_changed:
        user_role_privileges_sync(user=instance)
    if (
        role_changed
        or stored["password"] != instance.password
        or (stored["is_active"] and not instance.is_active)
    ):
        user_sessions_revoke(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.request_users_on_save")
@receiver(post_delete, sender=User, dispatch_uid="accounts.request_users_on_delete")
def forget_kept_user(sender, instance, **kwargs):
    """Whatever changed in a user row, API requests read it again once the change
    commits (``request_users``)."""
    request_users.user_changed(instance.pk)

"""Signing a browser out when its session timed out, for the middleware and the
timeout dialog's landing view (both faces: this is what they share), and the
timeout dialog of Wagtail's admin."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from portal.audit.services import request_metadata

from .models import SessionEndReason
from .permissions import effective_role
from .services import Client
from .services.session_controls import (
    absolute_lifetime,
    idle_timeout,
    web_session_timeout,
)


def request_client(request) -> Client:
    meta = request_metadata(request=request)
    return Client(ip_address=meta["ip_address"], user_agent=meta["user_agent"] or "")


def sign_out_timed_out(request, *, state: dict, reason: str) -> None:
    """End the browser's session for ``reason`` (idle or lifetime), audited, and
    tell the person why on the next page."""
    user = request.user
    message = end_message(reason, role=effective_role(user))
    web_session_timeout(
        user=user, state=state, reason=reason, client=request_client(request)
    )
    request.session_end_reason = reason
    logout(request)
    messages.info(request, message)


def end_message(reason: str, *, role: str | None) -> str:
    if reason == SessionEndReason.IDLE:
        minutes = max(1, round(idle_timeout(role=role) / 60))
        return ngettext(
            "You were signed out after %(minutes)d minute without activity.",
            "You were signed out after %(minutes)d minutes without activity.",
            minutes,
        ) % {"minutes": minutes}
    hours = max(1, round(absolute_lifetime() / 3600))
    return ngettext(
        "Your session reached its maximum length of %(hours)d hour: sign in again.",
        "Your session reached its maximum length of %(hours)d hours: sign in again.",
        hours,
    ) % {"hours": hours}


def session_timeout_admin_html() -> str:
    """The timeout dialog for every page of Wagtail's admin, where staff work
    under the shortest idle timeout (``insert_global_admin_js``)."""
    return render_to_string(
        "accounts/session_timeout_admin.html",
        {"warning": settings.SESSION_IDLE_WARNING_SECONDS},
    )

"""Web-side enforcement of mandatory MFA and of the session controls.

People whose role is listed in ``settings.MFA_REQUIRED_ROLES`` reach the admin areas
only after they have set up an authenticator app. Everything else passes: the sign-in
and MFA set-up pages under /accounts/, static files, health checks and the API (which
enforces the same rule on its own tokens).

Web sessions end after the role's idle timeout and the absolute session lifetime
(``SessionControlMiddleware``).
"""

import time

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import totp_enabled
from .permissions import effective_role, mfa_required_for
from .services.session_controls import (
    STATE_KEY,
    activity_step,
    session_key_hash,
    web_session_over,
    web_session_rekeyed,
    web_session_start,
)
from .web_sessions import request_client, sign_out_timed_out

# Requests a page makes on its own, not its user: Wagtail's editor pings that say
# who else is editing a page (every few seconds while an editor is open).
PASSIVE_PREFIXES = ("/cms/editing-sessions/",)

# Areas where content and data are changed.
PROTECTED_PREFIXES = ("/cms/", "/django-admin/")


class MFAEnrollmentMiddleware:
    """Sends a user who must use MFA but has no authenticator app to its set-up page
    when they ask for an admin area. Must come after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        if not request.path_info.startswith(PROTECTED_PREFIXES):
            return False
        user = request.user
        if not user.is_authenticated or not mfa_required_for(user):
            return False
        return not totp_enabled(user)


class SessionControlMiddleware:
    """Idle timeout and absolute lifetime of web sessions
    (``services.session_controls``). A signed-in request whose session has been
    unused longer than the role's idle timeout, or began longer ago than the
    absolute lifetime, signs the browser out and goes on as an anonymous request
    (sign-in pages redirect, the API answers 401) with a message saying why.
    Otherwise the request is the session's latest activity, except for the
    *passive* requests a page makes on its own: the timeout dialog asking how long
    is left, and Wagtail's editing-session pings. Must come after the
    authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            self._apply(request)
        return self.get_response(request)

    def _apply(self, request) -> None:
        session, user, now = request.session, request.user, time.time()
        state = session.get(STATE_KEY)
        if state is None:  # a session from before the controls: it starts now
            if session.session_key is None:
                session.save()
            session[STATE_KEY] = web_session_start(
                user=user,
                session_key=session.session_key,
                client=request_client(request),
            )
            return
        reason = web_session_over(user=user, state=state, now=now)
        if reason:
            sign_out_timed_out(request, state=state, reason=reason)
            return
        if state.get("kh") != session_key_hash(session_key=session.session_key):
            state = web_session_rekeyed(state=state, session_key=session.session_key)
            session[STATE_KEY] = state
        if not _passive(request) and now - state["seen"] >= activity_step(
            role=effective_role(user)
        ):
            session[STATE_KEY] = {**state, "seen": now}


def _passive(request) -> bool:
    if request.path_info.startswith(PASSIVE_PREFIXES):
        return True
    return request.method in ("GET", "HEAD") and request.path_info in (
        reverse("account-session"),
        reverse("account-session-ended"),
    )

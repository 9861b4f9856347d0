"""Web pages of the accounts app that are not allauth's own: the admin sign-in
redirect, the profile page and the session timeout's status."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.audit.services import request_metadata
from portal.errors import InvalidInput
from portal.notifications.selectors import preferences_for
from portal.notifications.services import preference_set

from .forms import PersonalDetailsForm, ProfileNameForm
from .mfa import totp_enabled
from .models import SessionEndReason
from .selectors import known_devices_for
from .services import Client, user_sign_out_everywhere, user_update
from .services.session_controls import (
    STATE_KEY,
    sign_in_sessions_live,
    web_session_status,
)
from .web_sessions import sign_out_timed_out


@require_safe
def sign_in_redirect(request):
    """Stands in for Wagtail's and Django admin's own login views.

    Those check the password alone, so an admin with an authenticator app would get
    a full session without the second factor and without the sign-in throttles.
    Every sign-in goes through allauth's instead (``settings.LOGIN_URL``); a POST of
    credentials here is refused (405) and ``next`` is kept when it stays on this site.
    """
    target = request.GET.get("next", "")
    url = settings.LOGIN_URL
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': target})}"
    return redirect(url)


def _client(request) -> Client:
    meta = request_metadata(request=request)
    return Client(ip_address=meta["ip_address"], user_agent=meta["user_agent"] or "")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def session_timeout_state(request) -> dict | None:
    """How long the signed-in browser's session has left (``session_controls``),
    or ``None`` when not signed in."""
    state = request.session.get(STATE_KEY) if request.user.is_authenticated else None
    if state is None:
        return None
    return web_session_status(user=request.user, state=state, now=time.time())


@require_http_methods(["GET", "POST"])
def session_status(request):
    """The timeout dialog's questions (``static/js/session-timeout.js``). GET: how
    long the session has left, without counting as activity (the middleware lets
    it pass). POST ("Stay signed in"): a request like any other, so the session's
    idle time starts again; without script the form lands back on ``next``."""
    status = session_timeout_state(request)
    payload = {"authenticated": status is not None, **(status or {})}
    if request.method == "POST" and "application/json" not in request.headers.get(
        "Accept", ""
    ):
        return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    response = JsonResponse(payload, status=200 if status else 401)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def session_ended(request):
    """Where the page goes when its countdown ran out. The middleware has signed
    the browser out (and said why) if the session timed out; if another tab kept
    it alive, back to the page."""
    target = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    status = session_timeout_state(request)
    if status is not None and status["remaining"] <= 1:
        # The countdown and the server's clock agree to the second: end it now
        # rather than let the redirect back count as activity.
        sign_out_timed_out(
            request,
            state=request.session[STATE_KEY],
            reason=_ending_reason(status),
        )
        status = None
    if status is not None:
        return redirect(target)
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': target})}")


def _ending_reason(status: dict) -> str:
    if status["idle_remaining"] is not None and (
        status["idle_remaining"] <= status["absolute_remaining"]
    ):
        return SessionEndReason.IDLE
    return SessionEndReason.LIFETIME


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The learner's profile: the name printed on certificates, personal details
    (encrypted at rest), links to change the password and set up MFA, the devices
    signed in from with "sign out everywhere", and the e-mail preferences of
    optional notifications."""
    user = request.user
    name_form = ProfileNameForm(
        initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    details = getattr(user, "profile", None)
    details_form = PersonalDetailsForm(
        initial={
            "phone": details.phone if details else "",
            "date_of_birth": details.date_of_birth if details else None,
            "clearance_level": details.clearance_level if details else "",
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "details":
            details_form = PersonalDetailsForm(request.POST)
            if details_form.is_valid():
                try:
                    user_update(
                        actor=user,
                        user=user,
                        data=details_form.cleaned_data,
                        client=_client(request),
                    )
                except InvalidInput as error:
                    field = error.field if error.field in details_form.fields else None
                    details_form.add_error(field, error.message)
                else:
                    messages.success(request, _("Your personal details are saved."))
                    return redirect("account-profile")
        elif action == "name":
            name_form = ProfileNameForm(request.POST)
            if name_form.is_valid():
                user_update(
                    actor=user,
                    user=user,
                    data=name_form.cleaned_data,
                    client=_client(request),
                )
                messages.success(
                    request, _("Saved. Your next certificates carry this name.")
                )
                return redirect("account-profile")
        elif action == "preferences":
            enabled = set(request.POST.getlist("enabled"))
            for row in preferences_for(user=user):
                preference_set(
                    user=user, event=row["event"], enabled=row["event"] in enabled
                )
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("account-profile")
        elif action == "sign_out_everywhere":
            user_sign_out_everywhere(user=user, client=_client(request))
            logout(request)
            messages.success(
                request,
                _("You were signed out on every device, including this one."),
            )
            return redirect(settings.LOGIN_URL)
        else:
            return HttpResponseBadRequest("Unknown action.")
    return render(
        request,
        "accounts/profile.html",
        {
            "name_form": name_form,
            "details_form": details_form,
            "devices": known_devices_for(user=user),
            "sessions": sign_in_sessions_live(user=user),
            "this_session": (request.session.get(STATE_KEY) or {}).get("sid"),
            "preferences": preferences_for(user=user),
            "mfa_enabled": totp_enabled(user),
        },
    )

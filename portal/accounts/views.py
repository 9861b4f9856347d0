"""Web pages of the accounts app that are not allauth's own: the admin sign-in
redirect and the profile page."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.audit.services import request_metadata
from portal.notifications.selectors import preferences_for
from portal.notifications.services import preference_set

from .forms import ProfileNameForm
from .mfa import totp_enabled
from .selectors import known_devices_for
from .services import Client, user_sign_out_everywhere, user_update


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


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The learner's profile: the name printed on certificates, links to change the
    password and set up MFA, the devices signed in from with "sign out
    everywhere", and the e-mail preferences of optional notifications."""
    user = request.user
    name_form = ProfileNameForm(
        initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "name":
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
            "devices": known_devices_for(user=user),
            "preferences": preferences_for(user=user),
            "mfa_enabled": totp_enabled(user),
        },
    )

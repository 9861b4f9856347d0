"""Web-side enforcement of mandatory MFA.

People whose role is listed in ``settings.MFA_REQUIRED_ROLES`` reach the admin areas
only after they have set up an authenticator app. Everything else passes: the sign-in
and MFA set-up pages under /accounts/, static files, health checks and the API (which
enforces the same rule on its own tokens).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import totp_enabled
from .permissions import mfa_required_for

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

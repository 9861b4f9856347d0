"""Web pages of the accounts app that are not allauth's own."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe


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

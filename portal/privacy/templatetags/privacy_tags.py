"""The consent banner of every site page (``templates/base.html``)."""

from django import template
from django.conf import settings
from django.middleware.csrf import get_token

from portal.privacy.models import ConsentPurpose
from portal.privacy.selectors import consent_list

register = template.Library()


@register.inclusion_tag("privacy/consent_banner.html", takes_context=True)
def consent_banner(context) -> dict:
    """The banner and the page's non-essential scripts, inert until consent
    (``static/js/consent.js`` starts them).

    A signed-in person's choice comes from their ledger (one small query) and is
    saved there; an anonymous visitor's lives in the ``PRIVACY_CONSENT_COOKIE``
    cookie, which the script reads and writes (pages stay cacheable: nothing here
    depends on a visitor's cookies)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    choice = ""
    csrf = ""
    if signed_in:
        latest = (
            consent_list(user=user)
            .filter(purpose=ConsentPurpose.ANALYTICS_COOKIES)
            .values_list("granted", flat=True)
            .first()
        )
        choice = "" if latest is None else ("granted" if latest else "denied")
        csrf = get_token(request)
    return {
        "signed_in": signed_in,
        "choice": choice,
        "csrf": csrf,
        "cookie_name": settings.PRIVACY_CONSENT_COOKIE,
        "cookie_days": settings.PRIVACY_CONSENT_COOKIE_DAYS,
        "analytics_scripts": settings.PRIVACY_ANALYTICS_SCRIPTS,
    }

"""Template helpers for the rendered course pages: the catalog link in the site
header, and how durations, prices and code languages read."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.blocks import CODE_LANGUAGES
from content.models import CourseIndexPage

register = template.Library()

CURRENCY_SYMBOL = "$"
_LANGUAGE_LABELS = dict(CODE_LANGUAGES)


@register.simple_tag(takes_context=True)
def catalog_url(context) -> str:
    """The catalog's URL on this site, or "" before it exists. Error pages render
    without a request (and maybe without a database): they get no link."""
    request = context.get("request")
    if request is None:
        return ""
    catalog = CourseIndexPage.objects.live().first()
    return (catalog.get_url(request) or "") if catalog else ""


@register.filter
def duration(minutes) -> str:
    """90 → "1 h 30 min"; 45 → "45 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(n)d min", "%(n)d min", rest) % {"n": rest}
    if not rest:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


@register.filter
def price(amount) -> str:
    """0 → "Free"; 49 → "$49"; 49.5 → "$49.50"."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount <= 0:
        return _("Free")
    if amount == amount.to_integral_value():
        return f"{CURRENCY_SYMBOL}{amount:,.0f}"
    return f"{CURRENCY_SYMBOL}{amount:,.2f}"


@register.filter
def code_language(value: str) -> str:
    """The readable name of a code block's language ("bash" → "Shell")."""
    return _LANGUAGE_LABELS.get(value, value)

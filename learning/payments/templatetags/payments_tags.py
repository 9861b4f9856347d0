"""The buy button of a paid course's enrollment panel: one button per configured
provider, or a note that payments are not configured."""

from django import template

from ..services import providers_configured

register = template.Library()


@register.inclusion_tag("payments/includes/checkout_panel.html", takes_context=True)
def checkout_panel(context, course):
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "course": course,
        "providers": providers_configured(),
    }

"""The "Organizations" panel of the profile page (``{% organization_memberships_panel
%}``): the profile belongs to ``portal.accounts``, which cannot know this app."""

from django import template

from ..selectors import memberships_of

register = template.Library()


@register.inclusion_tag("corporate/memberships_panel.html", takes_context=True)
def organization_memberships_panel(context) -> dict:
    return {
        "csrf_token": context.get("csrf_token"),
        "memberships": list(memberships_of(user=context["request"].user)),
    }

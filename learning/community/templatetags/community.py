"""The "Discord" panel of the profile page (``{% discord_link_panel %}``): the
profile belongs to ``portal.accounts``, which cannot know this app."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from integrations.discord.client import discord_configured

from ..selectors import discord_account_get, discord_account_name, discord_member_for

register = template.Library()


@register.inclusion_tag("community/discord_link_panel.html", takes_context=True)
def discord_link_panel(context) -> dict:
    request = context["request"]
    account = discord_account_get(user=request.user)
    member = discord_member_for(discord_user_id=account.uid) if account else None
    return {
        "csrf_token": context.get("csrf_token"),
        "configured": discord_configured(),
        "account": account,
        "name": discord_account_name(account) if account else "",
        "member": member,
        "link_url": reverse("discord_login")
        + "?"
        + urlencode({"process": "connect", "next": reverse("account-profile")}),
    }

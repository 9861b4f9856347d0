"""allauth's link signals, followed (connected in ``apps.ready``)."""

from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from .services import discord_link_added, discord_link_removed


@receiver(social_account_added, dispatch_uid="community.discord_linked")
def discord_linked(sender, request, sociallogin, **kwargs) -> None:
    discord_link_added(account=sociallogin.account)


@receiver(social_account_removed, dispatch_uid="community.discord_unlinked")
def discord_unlinked(sender, request, socialaccount, **kwargs) -> None:
    discord_link_removed(account=socialaccount)

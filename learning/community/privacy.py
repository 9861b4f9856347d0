"""This app's answers to the personal-data extension points (``portal.hooks``): the
person's linked accounts (django-allauth's ``SocialAccount``, Discord the only
provider) and what the bot last saw of their Discord account.

Erasure deletes the links at once. The Discord account's row stays, without the
person, only until the bot has removed the portal's roles from it (a queued task,
finished by the nightly reconcile if lost), then it is deleted; with Discord not
configured there is no bot to wait for and the row goes at once."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount

from integrations.discord.client import discord_configured
from portal.hooks import Erasure, personal_data_covers
from portal.queue import enqueue_on_commit

from .models import DiscordMember, MemberState
from .selectors import PROVIDER

RELATIONS = ("community.DiscordMember.user", "socialaccount.SocialAccount.user")


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "community.linked_accounts": list(
            SocialAccount.objects.filter(user=user)
            .order_by("date_joined")
            .values("provider", "uid", "date_joined", "last_login", "extra_data")
        ),
        "community.discord_member": list(
            DiscordMember.objects.filter(user=user).values(
                "discord_user_id", "state", "in_guild", "roles", "synced_at"
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    from .tasks import strip_discord_member

    discord_ids = set(
        SocialAccount.objects.filter(user=user, provider=PROVIDER).values_list(
            "uid", flat=True
        )
    ) | set(
        DiscordMember.objects.filter(user=user).values_list(
            "discord_user_id", flat=True
        )
    )
    links = SocialAccount.objects.filter(user=user)
    steps = [Erasure("socialaccount.SocialAccount", Erasure.DELETED, links.count())]
    links.delete()
    if not discord_configured():
        members = DiscordMember.objects.filter(discord_user_id__in=discord_ids)
        steps.append(
            Erasure("community.DiscordMember", Erasure.DELETED, members.count())
        )
        members.delete()
        return steps
    for discord_user_id in sorted(discord_ids):
        DiscordMember.objects.update_or_create(
            discord_user_id=discord_user_id,
            defaults={"user": None, "state": MemberState.UNLINKING},
        )
        enqueue_on_commit(strip_discord_member, args=(discord_user_id,))
    steps.append(
        Erasure(
            "community.DiscordMember",
            Erasure.ANONYMIZED,
            len(discord_ids),
            "Kept without the person only until the portal's roles are removed from "
            "that Discord account, then deleted.",
        )
    )
    return steps

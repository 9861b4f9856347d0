"""Linking and unlinking a Discord account. Linking itself is django-allauth's
connect flow (``/accounts/discord/login/?process=connect``, by a signed-in user);
these services follow it: a new link queues a sync, unlinking queues the removal of
our roles and then removes the link."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import PermissionDenied
from portal.queue import enqueue_on_commit

from ..models import DiscordMember, MemberState
from ..selectors import PROVIDER
from .roles import discord_sync_enqueue


def _strip_later(*, user: User, discord_user_id: str) -> None:
    """Mark the account's roles for removal and queue it after commit; the row
    stays until the bot is done, so the nightly reconcile finishes a lost task."""
    from ..tasks import strip_discord_member

    DiscordMember.objects.update_or_create(
        discord_user_id=discord_user_id,
        defaults={"user": user, "state": MemberState.UNLINKING},
    )
    enqueue_on_commit(strip_discord_member, args=(discord_user_id,))


@transaction.atomic
def discord_link_remove(*, actor: User, user: User) -> int:
    """Unlink ``user``'s Discord account(s): our roles are removed from the member
    by a queued task, then the link is gone at once. Only the user themself or an
    administrator; returns how many links were removed (0: none was linked).
    Audited as ``discord.unlinked``."""
    if actor.pk != user.pk and not is_admin(actor):
        raise PermissionDenied("You may only unlink your own Discord account.")
    accounts = list(
        SocialAccount.objects.select_for_update().filter(user=user, provider=PROVIDER)
    )
    for account in accounts:
        _strip_later(user=user, discord_user_id=account.uid)
        account.delete()
        audit_log_record(
            action="discord.unlinked",
            user=actor,
            resource_type="user",
            resource_id=user.pk,
            details={"discord_user_id": account.uid},
        )
    return len(accounts)


@transaction.atomic
def discord_link_added(*, account: SocialAccount) -> None:
    """allauth linked a Discord account (``social_account_added``): audit it and
    queue a sync, which gives the member the roles of their courses."""
    if account.provider != PROVIDER:
        return
    audit_log_record(
        action="discord.linked",
        user=account.user,
        resource_type="user",
        resource_id=account.user_id,
        details={"discord_user_id": account.uid},
    )
    discord_sync_enqueue(user_id=account.user_id)


@transaction.atomic
def discord_link_removed(*, account: SocialAccount) -> None:
    """A Discord link was removed another way than ``discord_link_remove``
    (allauth's own connections page): remove our roles all the same."""
    if account.provider != PROVIDER:
        return
    _strip_later(user=account.user, discord_user_id=account.uid)

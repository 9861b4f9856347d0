"""Keeping a member's Discord roles in step with their courses.

Every change (enrollment, cancellation or refund, completion, certificate issued or
revoked, link, nightly reconcile) does the same thing: queue a sync of the learner
after commit. The sync reads what the learner *should* hold now
(``selectors.desired_role_ids``) and what the member holds at Discord, then adds
the missing roles and removes the managed ones that should not be there. So a sync
is idempotent, events may arrive late or out of order, and a lost task is repaired
by the next one. The bot is called from Celery tasks only, outside any transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.discord.client import DiscordBot, discord_configured
from integrations.http import OutsideCallRejected
from learning.models import Enrollment
from portal.accounts.models import User
from portal.queue import enqueue_on_commit

from ..models import DiscordMember, MemberState
from ..selectors import (
    desired_role_ids,
    discord_is_linked,
    discord_member_for,
    linked_accounts,
    managed_role_ids,
    members_to_strip,
)

logger = logging.getLogger(__name__)

# Learner events (``portal.hooks.DOMAIN_EVENT``) that can change a learner's roles.
FOLLOWED_EVENTS = frozenset(
    {
        "enrollment.created",
        "enrollment.completed",
        "certificate.issued",
        "certificate.revoked",
    }
)
# Seconds one sync of a Discord account may hold it against another.
SYNC_LOCK_SECONDS = 120


class SyncBusy(Exception):
    """Another worker is syncing this Discord account; try again shortly."""


@dataclass
class SyncResult:
    discord_user_id: str
    in_guild: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def discord_sync_enqueue(*, user_id: int) -> bool:
    """Queue a sync of ``user_id``'s roles after commit, when Discord is on and
    they linked an account; whether one was queued."""
    if not discord_configured() or not discord_is_linked(user_id=user_id):
        return False
    from ..tasks import sync_discord_member

    enqueue_on_commit(sync_discord_member, args=(user_id,))
    return True


def discord_roles_follow_event(*, event: str, data: dict) -> None:
    """``portal.hooks.DOMAIN_EVENT``: an enrollment, completion or certificate
    change queues a sync of the learner."""
    user_id = data.get("user_id")
    if event in FOLLOWED_EVENTS and user_id:
        discord_sync_enqueue(user_id=user_id)


def discord_roles_follow_cancellation(*, enrollment: Enrollment, actor: User) -> None:
    """``portal.hooks.ENROLLMENT_CANCELLED``: unenrolling or a refund queues a
    sync of the learner (the enrolled and completed roles go)."""
    discord_sync_enqueue(user_id=enrollment.user_id)


class _AccountLock:
    """One sync or strip of a Discord account at a time (across workers, through
    the cache), so that a slow sync reading old state cannot finish after a newer
    one and undo it."""

    def __init__(self, discord_user_id: str):
        self.key = f"community:discord-sync:{discord_user_id}"

    def __enter__(self) -> None:
        if not cache.add(self.key, 1, timeout=SYNC_LOCK_SECONDS):
            raise SyncBusy(self.key)

    def __exit__(self, *exc_info: object) -> None:
        cache.delete(self.key)


def _member_row(*, user_id: int, discord_user_id: str) -> DiscordMember:
    """The row of the account linked now; an older account of the same user
    (linked again with another one) is handed over to be stripped."""
    stale = list(
        DiscordMember.objects.filter(user_id=user_id, state=MemberState.LINKED)
        .exclude(discord_user_id=discord_user_id)
        .values_list("discord_user_id", flat=True)
    )
    with transaction.atomic():
        if stale:
            DiscordMember.objects.filter(discord_user_id__in=stale).update(
                state=MemberState.UNLINKING
            )
            from ..tasks import strip_discord_member

            for old in stale:
                enqueue_on_commit(strip_discord_member, args=(old,))
        try:
            with transaction.atomic():
                member, _ = DiscordMember.objects.update_or_create(
                    discord_user_id=discord_user_id,
                    defaults={"user_id": user_id, "state": MemberState.LINKED},
                )
        except IntegrityError:  # a racing sync created it first
            member = DiscordMember.objects.get(discord_user_id=discord_user_id)
    return member


def _record(member: DiscordMember, **fields) -> None:
    DiscordMember.objects.filter(pk=member.pk).update(
        synced_at=timezone.now(), **fields
    )


def discord_member_sync(*, user_id: int) -> SyncResult | None:
    """Bring the Discord roles of ``user_id``'s linked account in step with their
    courses. ``None`` when Discord is off or the user linked no account.

    Raises what ``DiscordBot`` raises (transient, rate-limited, circuit open: the
    task retries) and ``SyncBusy``. A refusal (403: the bot may not manage a role)
    is recorded on the member and logged, not retried."""
    if not discord_configured():
        return None
    account = (
        linked_accounts().filter(user_id=user_id).values_list("uid", flat=True).first()
    )
    if account is None:
        return None
    member = _member_row(user_id=user_id, discord_user_id=account)
    with _AccountLock(account), DiscordBot() as bot:
        # Read after taking the lock: a sync queued later sees the later state.
        desired = desired_role_ids(user_id=user_id)
        managed = managed_role_ids()
        found = bot.member_get(user_id=account)
        if found is None:
            _record(member, in_guild=False, roles=[], last_error="")
            return SyncResult(discord_user_id=account, in_guild=False)
        result = SyncResult(discord_user_id=account, in_guild=True)
        held = set(found.roles)
        try:
            for role in sorted(desired - held):
                if bot.member_role_add(
                    user_id=account, role_id=role, reason="portal: course role"
                ):
                    held.add(role)
                    result.added.append(role)
            for role in sorted((held & managed) - desired):
                if bot.member_role_remove(
                    user_id=account, role_id=role, reason="portal: course role ended"
                ):
                    held.discard(role)
                    result.removed.append(role)
        except OutsideCallRejected as error:
            logger.error(
                "discord refused a role change",
                extra={"discord_user_id": account, "status": error.status},
            )
            _record(
                member,
                in_guild=True,
                roles=sorted(held & managed),
                last_error=f"{error.status}: {error.body}"[:500],
            )
            return result
        _record(member, in_guild=True, roles=sorted(held & managed), last_error="")
    return result


def discord_member_strip(*, discord_user_id: str) -> SyncResult | None:
    """Remove every role the portal manages from an unlinked Discord account, then
    forget it. ``None`` when there is nothing to do (no such row, or the account
    was linked again meanwhile: then it is synced instead)."""
    member = discord_member_for(discord_user_id=discord_user_id)
    if member is None:
        return None
    if (
        member.state == MemberState.LINKED
        and not members_to_strip().filter(pk=member.pk).exists()
    ):
        return None
    if not discord_configured():
        return None
    with _AccountLock(discord_user_id), DiscordBot() as bot:
        managed = managed_role_ids()
        found = bot.member_get(user_id=discord_user_id)
        result = SyncResult(discord_user_id=discord_user_id, in_guild=found is not None)
        for role in sorted(set(found.roles if found else ()) & managed):
            if bot.member_role_remove(
                user_id=discord_user_id, role_id=role, reason="portal: unlinked"
            ):
                result.removed.append(role)
        # Only if it was not linked again while the bot worked.
        DiscordMember.objects.filter(pk=member.pk).filter(
            pk__in=members_to_strip().values("pk")
        ).delete()
    return result


def discord_reconcile() -> dict[str, int]:
    """The nightly repair: queue a sync of every linked account and a strip of
    every account left unlinked. Returns how many of each were queued."""
    if not discord_configured():
        return {"synced": 0, "stripped": 0}
    from ..tasks import strip_discord_member, sync_discord_member

    user_ids = sorted({user_id for user_id, _ in linked_accounts()})
    stale = list(members_to_strip().values_list("discord_user_id", flat=True))
    DiscordMember.objects.filter(discord_user_id__in=stale).update(
        state=MemberState.UNLINKING
    )
    for user_id in user_ids:
        enqueue_on_commit(sync_discord_member, args=(user_id,))
    for discord_user_id in stale:
        enqueue_on_commit(strip_discord_member, args=(discord_user_id,))
    return {"synced": len(user_ids), "stripped": len(stale)}

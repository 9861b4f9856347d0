"""Celery tasks: thin, by ids, owning their retries. Discord being slow, down or
rate-limiting us retries later; the nightly reconcile repairs whatever is lost.

Run eagerly (the embedded default without a broker), a task cannot wait to retry:
it logs the failure and leaves the repair to the reconcile, so a Discord outage
never fails the learner's request that queued it."""

import logging
import math

from celery import shared_task

from integrations.discord.client import DiscordRateLimited
from integrations.resilience import CircuitOpenError, TransientError

from .services import (
    SyncBusy,
    discord_member_strip,
    discord_member_sync,
    discord_reconcile,
)

logger = logging.getLogger(__name__)

MAX_RETRIES = 8


def _countdown(task, exc: Exception) -> float:
    if isinstance(exc, DiscordRateLimited):
        return math.ceil(exc.retry_after) + 1
    if isinstance(exc, SyncBusy):
        return 5
    return min(30 * 2**task.request.retries, 3600)


RETRIED = (TransientError, CircuitOpenError, DiscordRateLimited, SyncBusy)


def _retry(task, exc: Exception) -> None:
    """Raise the task's retry, or (run eagerly) log the failure for the reconcile."""
    if task.request.is_eager:
        logger.warning(
            "discord role change left for the reconcile",
            extra={"task_name": task.name, "error": str(exc)},
        )
        return
    raise task.retry(exc=exc, countdown=_countdown(task, exc)) from exc


@shared_task(name="community.sync_discord_member", bind=True, max_retries=MAX_RETRIES)
def sync_discord_member(self, user_id: int) -> None:
    """Bring a learner's Discord roles in step with their courses."""
    try:
        discord_member_sync(user_id=user_id)
    except RETRIED as exc:
        _retry(self, exc)


@shared_task(name="community.strip_discord_member", bind=True, max_retries=MAX_RETRIES)
def strip_discord_member(self, discord_user_id: str) -> None:
    """Remove our roles from an unlinked Discord account."""
    try:
        discord_member_strip(discord_user_id=discord_user_id)
    except RETRIED as exc:
        _retry(self, exc)


@shared_task(name="community.reconcile_discord")
def reconcile_discord() -> dict[str, int]:
    """Nightly (Celery beat): queue a sync of every linked learner and the strip
    of every unlinked account."""
    return discord_reconcile()

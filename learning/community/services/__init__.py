"""Writes of the community app: the course role mapping, linking and unlinking
Discord, and keeping a member's roles in step (from Celery tasks)."""

from .links import discord_link_added, discord_link_remove, discord_link_removed
from .mapping import course_discord_roles_delete, course_discord_roles_save
from .roles import (
    SyncBusy,
    discord_member_strip,
    discord_member_sync,
    discord_reconcile,
    discord_roles_follow_cancellation,
    discord_roles_follow_event,
    discord_sync_enqueue,
)

__all__ = [
    "SyncBusy",
    "course_discord_roles_delete",
    "course_discord_roles_save",
    "discord_link_added",
    "discord_link_remove",
    "discord_link_removed",
    "discord_member_strip",
    "discord_member_sync",
    "discord_reconcile",
    "discord_roles_follow_cancellation",
    "discord_roles_follow_event",
    "discord_sync_enqueue",
]

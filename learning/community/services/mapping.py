"""Administrators set which Discord roles a course gives (Django admin)."""

from __future__ import annotations

from django.db import transaction

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import PermissionDenied

from ..models import CourseDiscordRoles
from ..selectors import course_linked_user_ids
from .roles import discord_sync_enqueue


def _sync_course(course_id: int) -> None:
    for user_id in course_linked_user_ids(course_id=course_id):
        discord_sync_enqueue(user_id=user_id)


@transaction.atomic
def course_discord_roles_save(
    *, actor: User, roles: CourseDiscordRoles
) -> CourseDiscordRoles:
    """Save a course's role mapping (validated by the caller's form) and queue a
    sync of its linked learners, so new roles are given now rather than tonight.
    A role taken out of every mapping is no longer managed: members keep it.
    Audited as ``discord.course_roles_set``."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators set a course's Discord roles.")
    roles.full_clean()
    roles.save()
    audit_log_record(
        action="discord.course_roles_set",
        user=actor,
        resource_type="course",
        resource_id=roles.course_id,
        details={
            "enrolled": roles.enrolled_role_id,
            "completed": roles.completed_role_id,
            "certified": roles.certified_role_id,
        },
    )
    _sync_course(roles.course_id)
    return roles


@transaction.atomic
def course_discord_roles_delete(*, actor: User, roles: CourseDiscordRoles) -> None:
    """Remove a course's mapping: its roles stop being managed (members keep
    them; the portal never touches roles it does not manage)."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators set a course's Discord roles.")
    audit_log_record(
        action="discord.course_roles_deleted",
        user=actor,
        resource_type="course",
        resource_id=roles.course_id,
        details={},
    )
    roles.delete()

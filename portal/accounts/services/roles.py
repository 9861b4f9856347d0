"""Privileges that follow a user's role, and who may see whom."""

from __future__ import annotations

from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, remove_perm

from ..models import Role, User

# Wagtail editor groups that follow a role (created by a data migration).
ROLE_GROUPS = {Role.INSTRUCTOR: "Instructors", Role.ADMIN: "Moderators"}


def user_role_privileges_sync(*, user: User) -> None:
    """Make Django/Wagtail privileges follow the role: admins are superusers and
    moderators, instructors get the editor group; other roles get neither."""
    becomes_admin = user.role == Role.ADMIN
    user.is_superuser = becomes_admin
    user.is_staff = becomes_admin
    user.save(update_fields=["is_superuser", "is_staff"])
    wanted = ROLE_GROUPS.get(user.role)
    user.groups.remove(
        *Group.objects.filter(name__in=ROLE_GROUPS.values()).exclude(name=wanted)
    )
    if wanted:
        user.groups.add(*Group.objects.filter(name=wanted))


def user_view_grant(*, viewer: User, user: User) -> None:
    """Let ``viewer`` see ``user``'s profile and progress (mentor of a mentee,
    corporate rep of an organization member). Called by the services that create
    those relations."""
    assign_perm("accounts.view_user", viewer, user)


def user_view_revoke(*, viewer: User, user: User) -> None:
    remove_perm("accounts.view_user", viewer, user)

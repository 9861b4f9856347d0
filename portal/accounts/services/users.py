"""Profile, role and active-flag changes, by the user or an administrator."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.errors import DomainError, InvalidInput, PermissionDenied

from ..models import ClearanceLevel, Profile, Role, User
from ..permissions import is_admin
from .base import Client, account_audit

PROFILE_FIELDS = (
    "bio",
    "phone",
    "organization_name",
    "date_of_birth",
    "clearance_level",
)


def _profile_values_check(data: dict) -> None:
    """A date of birth in the past (and after 1900); a known clearance level."""
    born = data.get("date_of_birth")
    if isinstance(born, datetime.date) and (
        born >= timezone.now().date() or born.year < 1900
    ):
        raise InvalidInput("Enter a real date of birth.", field="date_of_birth")
    level = data.get("clearance_level")
    if level and level not in ClearanceLevel.values:
        raise InvalidInput("Unknown clearance level.", field="clearance_level")


USER_FIELDS = ("first_name", "last_name")
ADMIN_FIELDS = ("role", "is_active")


@transaction.atomic
def user_update(
    *, actor: User, user: User, data: dict, client: Client = Client()
) -> User:
    """Update names and profile fields; admins may also change ``role`` and
    ``is_active``. A non-admin sending an admin field is refused whole (nothing is
    saved). A role change or deactivation ends the user's sessions and a role change
    re-derives the user's privileges (both on save: ``portal.accounts.signals``).
    The date of birth and clearance level are the person's own (and
    administrators'): an ``InvalidInput`` for an impossible birth date."""
    by_admin = is_admin(actor)
    if not by_admin and actor.pk != user.pk:
        raise PermissionDenied("You may only edit your own profile.")
    sent_admin_fields = [f for f in ADMIN_FIELDS if f in data]
    if sent_admin_fields and not by_admin:
        raise PermissionDenied(
            f"Only administrators may change {', '.join(sent_admin_fields)}."
        )
    _profile_values_check(data)
    old_role, old_active = user.role, user.is_active
    for field in (*USER_FIELDS, *(ADMIN_FIELDS if by_admin else ())):
        if field in data:
            setattr(user, field, data[field])
    demotes_self = data.get("role", old_role) != Role.ADMIN or not data.get(
        "is_active", True
    )
    if by_admin and actor.pk == user.pk and demotes_self:
        raise DomainError("Administrators cannot demote or deactivate themselves.")
    user.save()
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        profile = Profile.objects.create(user=user)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(profile, field, data[field])
    profile.save()

    if user.role != old_role:
        account_audit(
            action="user.role_changed",
            user=actor,
            client=client,
            resource_type="user",
            resource_id=user.pk,
            details={"from": old_role, "to": user.role},
        )
    if user.is_active != old_active:
        account_audit(
            action="user.activated" if user.is_active else "user.deactivated",
            user=actor,
            client=client,
            resource_type="user",
            resource_id=user.pk,
        )
    return user

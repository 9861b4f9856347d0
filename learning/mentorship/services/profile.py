"""A person's scheduling settings: time zone and private calendar feed."""

from __future__ import annotations

import zoneinfo

from django.db import transaction

from portal.accounts.models import User
from portal.errors import InvalidInput

from ..models import MentorshipProfile, calendar_token_new


def profile_ensure(*, user: User) -> MentorshipProfile:
    profile, _ = MentorshipProfile.objects.get_or_create(user=user)
    return profile


def time_zone_validate(*, name: str, field: str = "time_zone") -> str:
    """``name`` if it is an IANA time zone; ``InvalidInput`` naming ``field``."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("Unknown time zone.", field=field) from None
    if name not in zoneinfo.available_timezones():
        raise InvalidInput("Unknown time zone.", field=field)
    return name


@transaction.atomic
def profile_update(*, actor: User, time_zone: str) -> MentorshipProfile:
    profile = profile_ensure(user=actor)
    profile.time_zone = time_zone_validate(name=time_zone)
    profile.save(update_fields=["time_zone", "updated_at"])
    return profile


@transaction.atomic
def calendar_token_reset(*, actor: User) -> MentorshipProfile:
    """A new secret for ``actor``'s feed; the old URL stops working at once."""
    profile = profile_ensure(user=actor)
    profile.calendar_token = calendar_token_new()
    profile.save(update_fields=["calendar_token", "updated_at"])
    return profile

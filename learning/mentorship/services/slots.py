"""Availability: a mentor's slots, one-off or weekly, never overlapping.

The overlap rule is the database's on PostgreSQL (exclusion constraint, migration
0001); everywhere the service first locks the mentor's row, so that two requests
of one mentor are checked one after the other (on SQLite the ``IMMEDIATE``
transaction takes the database's write lock at the same point), and then checks.
A constraint violation that slips past (another process without this lock) is
the same 409 ``SLOT_OVERLAP``."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from ..models import MentoringSession, SessionStatus, Slot
from ..selectors import user_time_zone
from .profile import time_zone_validate

MAX_SLOT = timedelta(hours=8)
MIN_SLOT = timedelta(minutes=10)
MAX_AHEAD = timedelta(days=366)


class SlotOverlap(Conflict):
    code = "SLOT_OVERLAP"


def _occurrences(
    *, start: datetime, end: datetime, weeks: int, zone: zoneinfo.ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Week ``k`` keeps the first occurrence's wall-clock time in ``zone``."""
    local_start = start.astimezone(zone).replace(tzinfo=None)
    length = end - start
    spans = []
    for k in range(weeks):
        wall = local_start + timedelta(weeks=k)
        begins = wall.replace(tzinfo=zone).astimezone(zoneinfo.ZoneInfo("UTC"))
        spans.append((begins, begins + length))
    return spans


@transaction.atomic
def slot_create(
    *,
    actor: User,
    start: datetime,
    end: datetime,
    repeat_weeks: int = 1,
    time_zone: str | None = None,
) -> list[Slot]:
    """Publish one slot, or the same slot ``repeat_weeks`` weeks running (its
    local time kept in ``time_zone``, by default the mentor's). All or nothing:
    ``SlotOverlap`` when any occurrence overlaps one of the mentor's slots."""
    if effective_role(actor) != Role.MENTOR:
        raise PermissionDenied("Only mentors publish availability.")
    if time_zone:
        zone = zoneinfo.ZoneInfo(time_zone_validate(name=time_zone))
    else:
        zone = user_time_zone(user=actor)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise InvalidInput("Give times with a UTC offset.", field="start")
    if end <= start:
        raise InvalidInput("The end must be after the start.", field="end")
    if not MIN_SLOT <= end - start <= MAX_SLOT:
        raise InvalidInput("A slot lasts from 10 minutes to 8 hours.", field="end")
    now = timezone.now()
    if start <= now:
        raise InvalidInput("The slot must start in the future.", field="start")
    if start > now + MAX_AHEAD:
        raise InvalidInput("At most a year ahead.", field="start")
    if not 1 <= repeat_weeks <= settings.MENTORSHIP_MAX_SERIES_WEEKS:
        raise InvalidInput("Out of range.", field="repeat_weeks")
    spans = _occurrences(start=start, end=end, weeks=repeat_weeks, zone=zone)
    # One mentor's slot writes go one at a time (see the module's docstring).
    User.objects.select_for_update().filter(pk=actor.pk).first()
    for begins, ends in spans:
        if Slot.objects.filter(mentor=actor, start__lt=ends, end__gt=begins).exists():
            raise SlotOverlap("This time overlaps one of your slots.", field="start")
    series = uuid.uuid4() if repeat_weeks > 1 else None
    try:
        with transaction.atomic():
            return [
                Slot.objects.create(
                    mentor=actor,
                    start=begins,
                    end=ends,
                    series=series,
                    time_zone=str(zone.key),
                )
                for begins, ends in spans
            ]
    except IntegrityError:
        raise SlotOverlap(
            "This time overlaps one of your slots.", field="start"
        ) from None


@transaction.atomic
def slot_delete(*, actor: User, slot_id: int) -> None:
    """Withdraw a free slot. A booked one must be cancelled first (409)."""
    slot = Slot.objects.select_for_update().filter(pk=slot_id, mentor=actor).first()
    if slot is None:
        raise NotFound("Slot not found.")
    if MentoringSession.objects.filter(slot=slot, status=SessionStatus.BOOKED).exists():
        raise Conflict("This slot is booked; cancel the session first.")
    slot.delete()

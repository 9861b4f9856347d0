"""Booking, changing and cancelling mentoring sessions, with the invitation,
update and cancellation e-mails (each carrying the ``.ics`` with the session's
UID and current SEQUENCE).

A slot is booked at most once: the booking locks the slot row, checks it is free,
and the partial unique constraint ``mentorship_slot_booked_once`` refuses a
second booked session in the database whatever happens; both end in 409
``SLOT_TAKEN``. Cancelling (either side) frees the slot for a new booking."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput
from portal.notifications.services import notify

from ..models import MentoringSession, SessionStatus, Slot
from ..selectors import (
    local_time_text,
    mentorship_active_get,
    session_is_mentor,
    slot_get_for_booking,
)


class SlotTaken(Conflict):
    code = "SLOT_TAKEN"


def meeting_url_for(*, session_id: int) -> str:
    """The session's video-meeting link from ``MENTORING_MEETING_URL_PATTERN``."""
    return settings.MENTORING_MEETING_URL_PATTERN.format(
        uid=secrets.token_urlsafe(12).replace("_", "x").replace("-", "y"),
        session_id=session_id,
    )


def _tell_both(session: MentoringSession, event: str) -> None:
    """Both people get ``event`` with the session's calendar file; the key makes a
    retried call send nothing twice (one message per person and SEQUENCE)."""
    payload = {
        "session_id": session.pk,
        "topic": session.topic,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "meeting_url": session.meeting_url,
        "mentor": session.mentor.get_full_name() or session.mentor.email,
        "mentee": session.mentee.get_full_name() or session.mentee.email,
        "attachments": [
            {"kind": "mentorship.session_ics", "ref": {"session_id": session.pk}}
        ],
    }
    for person in (session.mentee, session.mentor):
        notify(
            user=person,
            event=event,
            payload={
                **payload,
                "when": local_time_text(user=person, moment=session.start),
            },
            key=f"{event}:{session.pk}:{session.sequence}:{person.pk}",
        )


@transaction.atomic
def session_book(*, actor: User, slot_id: int, topic: str) -> MentoringSession:
    """Book one of an active mentor's free slots. ``NotFound`` for another
    mentor's slot, ``SlotTaken`` (409) when someone booked it first,
    ``InvalidInput`` for a slot that has started."""
    topic = topic.strip()
    if not topic:
        raise InvalidInput("Say what you would like to talk about.", field="topic")
    slot = slot_get_for_booking(actor=actor, slot_id=slot_id)
    slot = Slot.objects.select_for_update().select_related("mentor").get(pk=slot.pk)
    if slot.start <= timezone.now():
        raise InvalidInput("This slot has already started.", field="slot_id")
    if MentoringSession.objects.filter(slot=slot, status=SessionStatus.BOOKED).exists():
        raise SlotTaken("Someone booked this slot first.", field="slot_id")
    assignment = mentorship_active_get(mentor_id=slot.mentor_id, mentee_id=actor.pk)
    try:
        with transaction.atomic():
            session = MentoringSession.objects.create(
                slot=slot,
                assignment=assignment,
                mentor=slot.mentor,
                mentee=actor,
                start=slot.start,
                end=slot.end,
                topic=topic,
            )
    except IntegrityError:
        raise SlotTaken("Someone booked this slot first.", field="slot_id") from None
    session.meeting_url = meeting_url_for(session_id=session.pk)
    session.save(update_fields=["meeting_url"])
    audit_log_record(
        action="mentorship.session_booked",
        user=actor,
        resource_type="mentoring_session",
        resource_id=session.pk,
        details={"mentor_id": slot.mentor_id, "slot_id": slot.pk},
    )
    _tell_both(session, "mentorship.session_booked")
    return session


def _locked(session: MentoringSession) -> MentoringSession:
    return (
        MentoringSession.objects.select_for_update()
        .select_related("mentor", "mentee")
        .get(pk=session.pk)
    )


@transaction.atomic
def session_update(
    *, actor: User, session: MentoringSession, topic: str
) -> MentoringSession:
    """Change a booked session's topic; both calendars get the update (same UID,
    SEQUENCE + 1)."""
    session = _locked(session)
    if session.status != SessionStatus.BOOKED:
        raise Conflict("This session was cancelled.")
    topic = topic.strip()
    if not topic:
        raise InvalidInput("Say what you would like to talk about.", field="topic")
    if topic == session.topic:
        return session
    session.topic = topic
    session.sequence += 1
    session.save(update_fields=["topic", "sequence", "updated_at"])
    _tell_both(session, "mentorship.session_updated")
    return session


@transaction.atomic
def session_cancel(
    *, actor: User, session: MentoringSession, check: bool = True
) -> MentoringSession:
    """Cancel (the mentee, the mentor or an admin; ``session`` comes from a
    selector that checked that): the slot is free again and both calendars
    remove the event (same UID, SEQUENCE + 1, ``METHOD:CANCEL``). Cancelling a
    cancelled session changes nothing; one that has ended cannot be."""
    session = _locked(session)
    if session.status == SessionStatus.CANCELLED:
        return session
    if check and session.end <= timezone.now():
        raise Conflict("This session is over.")
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = timezone.now()
    session.cancelled_by = actor
    session.sequence += 1
    session.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "sequence",
            "updated_at",
        ]
    )
    audit_log_record(
        action="mentorship.session_cancelled",
        user=actor,
        resource_type="mentoring_session",
        resource_id=session.pk,
        details={"by_mentor": session_is_mentor(actor=actor, session=session)},
    )
    _tell_both(session, "mentorship.session_cancelled")
    return session

"""Calendar files (RFC 5545, written with ``icalendar``): one event per session,
the same ``UID`` for its whole life and a ``SEQUENCE`` that grows with every change,
so calendars update or cancel the event they already hold; and a person's feed of
all their sessions. Pure reads: they render what the rows say."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from portal.accounts.models import User

from .models import MentoringSession, SessionStatus
from .selectors import sessions_for_feed

PRODID = "-//Learning portal//Mentoring//EN"
ICS_MIMETYPE = "text/calendar"


def _person(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.email)
    address.params["role"] = vText(role)
    return address


def session_event(session: MentoringSession, *, now: datetime | None = None) -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("sequence", session.sequence)
    event.add("summary", f"Mentoring: {session.topic}")
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    description = f"{session.topic}\n\nJoin: {session.meeting_url}\n{site}/mentoring/"
    event.add("description", description)
    if session.meeting_url:
        event.add("location", session.meeting_url)
        event.add("url", session.meeting_url)
    event.add("organizer", _person(session.mentor, "CHAIR"))
    event.add("attendee", _person(session.mentee, "REQ-PARTICIPANT"))
    cancelled = session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def session_ics(session: MentoringSession) -> bytes:
    """The session as an invitation: ``METHOD:REQUEST`` while booked,
    ``METHOD:CANCEL`` once cancelled (same UID, higher SEQUENCE)."""
    cancelled = session.status == SessionStatus.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(session_event(session))
    return calendar.to_ical()


def feed_ics(*, user: User) -> bytes:
    """``user``'s private subscription feed (no METHOD: a published calendar)."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", "Mentoring sessions")
    now = timezone.now()
    for session in sessions_for_feed(user=user):
        calendar.add_component(session_event(session, now=now))
    return calendar.to_ical()


def session_ics_attachment(
    *, kind: str, ref: dict, user
) -> tuple[str, bytes, str] | None:
    """The ``NOTIFICATION_ATTACHMENT`` answer for ``mentorship.session_ics``."""
    if kind != "mentorship.session_ics":
        return None
    session = (
        MentoringSession.objects.select_related("mentor", "mentee")
        .filter(pk=ref.get("session_id"))
        .first()
    )
    if session is None:
        return None
    return ("mentoring-session.ics", session_ics(session), ICS_MIMETYPE)

"""Reminders before sessions and the mentors' weekly digest, sent by beat.

Each message carries an idempotency key (``notify(key=...)``, a unique column), so
two beat processes running by mistake, or a task run twice, send each reminder
once: the second insert of the key is refused and sends nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from portal.notifications.services import notify

from ..selectors import (
    digest_for_mentor,
    local_time_text,
    mentors_with_mentees,
    sessions_due_for_reminder,
)


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind both people of each booked session starting within each reminder
    window (24 h, 1 h) that has not had that reminder; returns messages recorded.
    A session booked 3 hours ahead gets only the 1-hour reminder (the 24-hour
    one is not sent late: its window is checked against the booking time)."""
    now = now or timezone.now()
    sent = 0
    for hours in settings.MENTORSHIP_REMINDER_HOURS:
        for session in sessions_due_for_reminder(hours=hours, now=now):
            smaller = [h for h in settings.MENTORSHIP_REMINDER_HOURS if h < hours]
            if smaller and session.start - now <= min(smaller) * timedelta(hours=1):
                continue  # the closer reminder covers it
            if session.start - session.created_at < timedelta(hours=hours):
                continue  # booked inside this window: the invitation was enough
            payload = {
                "session_id": session.pk,
                "hours": hours,
                "topic": session.topic,
                "start": session.start.isoformat(),
                "meeting_url": session.meeting_url,
                "mentor": session.mentor.get_full_name() or session.mentor.email,
                "mentee": session.mentee.get_full_name() or session.mentee.email,
            }
            for person in (session.mentee, session.mentor):
                key = f"mentorship.reminder:{session.pk}:{hours}h:{person.pk}"
                if notify(
                    user=person,
                    event="mentorship.reminder",
                    payload={
                        **payload,
                        "when": local_time_text(user=person, moment=session.start),
                    },
                    key=key,
                ):
                    sent += 1
    return sent


def digest_send(*, now: datetime | None = None) -> int:
    """The weekly digest for every mentor with mentees, once per ISO week."""
    now = now or timezone.now()
    year, week, _ = now.isocalendar()
    sent = 0
    for mentor in mentors_with_mentees():
        if notify(
            user=mentor,
            event="mentorship.weekly_digest",
            payload=digest_for_mentor(mentor=mentor, now=now),
            key=f"mentorship.digest:{mentor.pk}:{year}-W{week:02d}",
        ):
            sent += 1
    return sent

"""Mentorship: meeting links, the mentor portal's "needs attention" rule, booking
limits."""

from . import env

# The video-meeting link of a session: ``{uid}`` is replaced by an unguessable
# per-session id (``{session_id}`` by the session's number). Any provider whose
# rooms are addressed by URL works (Jitsi, a Zoom personal link with a path...).
MENTORING_MEETING_URL_PATTERN = env.str(
    "MENTORING_MEETING_URL_PATTERN", default="https://meet.jit.si/portal-{uid}"
)
# A mentee "needs attention" after this many days without learning activity, with
# a failed attempt in that time, or with a course deadline this close.
MENTORSHIP_INACTIVE_DAYS = env.int("MENTORSHIP_INACTIVE_DAYS", default=14)
MENTORSHIP_DEADLINE_DAYS = env.int("MENTORSHIP_DEADLINE_DAYS", default=7)
# How far ahead a weekly series may reach, and a booking may be made.
MENTORSHIP_MAX_SERIES_WEEKS = 26
# Reminders go out this many hours before a session (beat checks every 5 minutes).
MENTORSHIP_REMINDER_HOURS = (24, 1)

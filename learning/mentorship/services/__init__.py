"""Writes of the mentorship app. Every service is keyword-only and typed, takes the
acting person as ``actor``, runs in one transaction and raises
``portal.errors.DomainError`` subclasses the API maps to the envelope."""

from .assignments import (
    mentor_request_create,
    mentor_request_resolve,
    mentorship_create,
    mentorship_end,
)
from .notes import note_create, note_update, review_acknowledge, review_create
from .profile import calendar_token_reset, profile_ensure, profile_update
from .reminders import digest_send, reminders_send
from .sessions import SlotTaken, session_book, session_cancel, session_update
from .slots import SlotOverlap, slot_create, slot_delete

__all__ = [
    "SlotOverlap",
    "SlotTaken",
    "calendar_token_reset",
    "digest_send",
    "mentor_request_create",
    "mentor_request_resolve",
    "mentorship_create",
    "mentorship_end",
    "note_create",
    "note_update",
    "profile_ensure",
    "profile_update",
    "reminders_send",
    "review_acknowledge",
    "review_create",
    "session_book",
    "session_cancel",
    "session_update",
    "slot_create",
    "slot_delete",
]

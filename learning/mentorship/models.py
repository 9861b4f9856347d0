"""Mentorship records beside ``learning.MentorAssignment`` (which stays in
``learning``: its table, its access grant and its service predate this app).

Times are stored in UTC. A mentor's slots never overlap and a slot is booked at
most once: on PostgreSQL the database enforces both (an exclusion constraint on
``(mentor, tstzrange(start, end))`` added by migration 0001 for that vendor only,
and the partial unique constraint below); on SQLite the services take a row lock
first and the partial unique constraint still holds.

Every row here points at the people it is about, so a later personal-data export
finds notes, reviews, sessions and requests by user.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def calendar_token_new() -> str:
    return secrets.token_urlsafe(32)


class MentorshipProfile(models.Model):
    """A person's scheduling settings: the time zone slots are entered and shown
    in, and the secret of their private calendar feed (reset makes the old feed
    URL stop working)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentorship_profile",
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    calendar_token = models.CharField(
        max_length=64, unique=True, default=calendar_token_new
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone})"


class MentorRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Mentor assigned")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorRequest(models.Model):
    """A learner asks for a mentor (optionally for one course); admins work through
    the open ones and assign someone, which fulfils the request."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_requests",
    )
    course = models.ForeignKey(
        "content.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=20,
        choices=MentorRequestStatus.choices,
        default=MentorRequestStatus.OPEN,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "learning.MentorAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status="open"),
                name="mentorship_one_open_request_per_learner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} asks for a mentor ({self.status})"


class Slot(models.Model):
    """An hour (or any span) a mentor offers. Weekly recurring availability is
    stored as one slot per week sharing a ``series`` id, each computed from the
    mentor's wall-clock time in their time zone (so a 6 pm slot stays 6 pm across
    a daylight-saving change)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_slots"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    series = models.UUIDField(null=True, blank=True, db_index=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["mentor", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="mentorship_slot_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"


class SessionStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


def session_uid_new() -> str:
    return f"{uuid.uuid4()}@mentoring"


class MentoringSession(models.Model):
    """A mentee's booking of a mentor's slot. The times are copied from the slot,
    so a cancelled session keeps them after the slot is freed or removed.
    ``uid`` and ``sequence`` are the calendar event's (RFC 5545): every change
    sends the same UID with a higher SEQUENCE."""

    slot = models.ForeignKey(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    assignment = models.ForeignKey(
        "learning.MentorAssignment", on_delete=models.CASCADE, related_name="sessions"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_sessions_given",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_sessions",
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    topic = models.CharField(max_length=500)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.BOOKED
    )
    uid = models.CharField(max_length=100, unique=True, default=session_uid_new)
    sequence = models.PositiveIntegerField(default=0)
    meeting_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(fields=["mentor", "start"]),
            models.Index(fields=["mentee", "start"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="booked"),
                name="mentorship_slot_booked_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} with {self.mentee} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def is_booked(self) -> bool:
        return self.status == SessionStatus.BOOKED


class SessionNote(models.Model):
    """A mentor's note on a session: private to the mentor unless ``shared``, then
    the mentee reads it too."""

    session = models.ForeignKey(
        MentoringSession, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_notes",
    )
    body = models.TextField(max_length=20_000)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.session_id} ({'shared' if self.shared else 'private'})"


class ProgressReview(models.Model):
    """A periodic review a mentor writes for a mentee (summary, goals, next steps);
    the mentee reads and acknowledges it."""

    assignment = models.ForeignKey(
        "learning.MentorAssignment", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_reviews_written",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_reviews",
    )
    summary = models.TextField(max_length=10_000)
    goals = models.TextField(blank=True, max_length=10_000)
    next_steps = models.TextField(blank=True, max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.mentee} ({self.created_at:%Y-%m-%d})"

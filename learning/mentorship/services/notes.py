"""Session notes (the mentor's; private unless shared) and progress reviews (the
mentor writes, the mentee acknowledges)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from learning.models import MentorAssignment
from portal.accounts.models import User
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.notifications.services import notify

from ..models import MentoringSession, ProgressReview, SessionNote


def _require_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("This field may not be blank.", field=field)
    return value


@transaction.atomic
def note_create(
    *, actor: User, session: MentoringSession, body: str, shared: bool = False
) -> SessionNote:
    """Only the session's mentor writes notes (``PermissionDenied`` for the
    mentee, who can see the session). Private unless ``shared``."""
    if session.mentor_id != actor.pk:
        raise PermissionDenied("Only the mentor writes session notes.")
    return SessionNote.objects.create(
        session=session, author=actor, body=_require_text(body, "body"), shared=shared
    )


@transaction.atomic
def note_update(
    *, actor: User, note_id: int, body: str | None = None, shared: bool | None = None
) -> SessionNote:
    note = (
        SessionNote.objects.select_for_update()
        .filter(pk=note_id, author=actor, session__assignment__ended_at__isnull=True)
        .first()
    )
    if note is None:
        raise NotFound("Note not found.")
    if body is not None:
        note.body = _require_text(body, "body")
    if shared is not None:
        note.shared = shared
    note.save()
    return note


@transaction.atomic
def review_create(
    *,
    actor: User,
    assignment: MentorAssignment,
    summary: str,
    goals: str = "",
    next_steps: str = "",
) -> ProgressReview:
    """The assignment's mentor writes a review of an active assignment; the mentee
    is told."""
    if assignment.mentor_id != actor.pk:
        raise PermissionDenied("Only the mentor writes progress reviews.")
    if assignment.ended_at is not None:
        raise Conflict("This mentorship has ended.")
    review = ProgressReview.objects.create(
        assignment=assignment,
        author=actor,
        mentee_id=assignment.mentee_id,
        summary=_require_text(summary, "summary"),
        goals=goals.strip(),
        next_steps=next_steps.strip(),
    )
    notify(
        user=assignment.mentee,
        event="mentorship.review_published",
        payload={
            "review_id": review.pk,
            "mentor": actor.get_full_name() or actor.email,
            "summary": review.summary[:500],
        },
    )
    return review


@transaction.atomic
def review_acknowledge(*, actor: User, review: ProgressReview) -> ProgressReview:
    """The mentee confirms they read it (once; again changes nothing)."""
    if review.mentee_id != actor.pk:
        raise PermissionDenied("Only the mentee acknowledges a review.")
    review = ProgressReview.objects.select_for_update().get(pk=review.pk)
    if review.acknowledged_at is None:
        review.acknowledged_at = timezone.now()
        review.save(update_fields=["acknowledged_at"])
    return review

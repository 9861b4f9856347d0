"""This app's answers to the personal-data extension points (``portal.hooks``):
scheduling settings, requests for a mentor, slots, sessions, notes and reviews.

A mentee's erasure deletes their requests, sessions and the reviews about them
(and so the notes on those sessions). A mentor's erasure deletes their slots,
settings and private notes, cancels their future sessions, and keeps what is
the mentees' record (past sessions, shared notes, reviews), pointing at the
anonymized account."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from portal.hooks import Erasure, ErasureSteps, personal_data_covers

from .models import (
    MentoringSession,
    MentorRequest,
    MentorshipProfile,
    ProgressReview,
    SessionNote,
    SessionStatus,
    Slot,
)

RELATIONS = (
    "mentorship.MentorshipProfile.user",
    "mentorship.MentorRequest.learner",
    "mentorship.MentorRequest.resolved_by",
    "mentorship.Slot.mentor",
    "mentorship.MentoringSession.mentor",
    "mentorship.MentoringSession.mentee",
    "mentorship.MentoringSession.cancelled_by",
    "mentorship.SessionNote.author",
    "mentorship.ProgressReview.author",
    "mentorship.ProgressReview.mentee",
)
MENTEES_RECORD = (
    "The mentees' record of their mentoring; it points at the anonymized account."
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    session_fields = ("mentor_id", "mentee_id", "start", "end", "topic", "status")
    return {
        # The calendar feed's secret is a credential, not information about you.
        "mentorship.settings": list(
            MentorshipProfile.objects.filter(user=user).values(
                "time_zone", "updated_at"
            )
        ),
        "mentorship.requests": list(
            MentorRequest.objects.filter(learner=user)
            .order_by("created_at")
            .values("course_id", "message", "status", "created_at", "resolved_at")
        ),
        "mentorship.requests_resolved": list(
            MentorRequest.objects.filter(resolved_by=user).values("id", "resolved_at")
        ),
        "mentorship.slots": list(
            Slot.objects.filter(mentor=user).values("start", "end", "time_zone")
        ),
        "mentorship.sessions": list(
            MentoringSession.objects.filter(Q(mentee=user) | Q(mentor=user))
            .order_by("start")
            .values(*session_fields, "meeting_url", "cancelled_at")
        ),
        "mentorship.sessions_cancelled_by_you": list(
            MentoringSession.objects.filter(cancelled_by=user).values(
                "id", "cancelled_at"
            )
        ),
        # Notes on your sessions that the mentor shared with you, and your own.
        "mentorship.notes": list(
            SessionNote.objects.filter(
                Q(author=user) | Q(session__mentee=user, shared=True)
            )
            .order_by("created_at")
            .values("session_id", "author_id", "body", "shared", "created_at")
        ),
        "mentorship.reviews": list(
            ProgressReview.objects.filter(Q(mentee=user) | Q(author=user))
            .order_by("created_at")
            .values(
                "author_id",
                "mentee_id",
                "summary",
                "goals",
                "next_steps",
                "created_at",
                "acknowledged_at",
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    steps = ErasureSteps()

    def kept(label: str, queryset, why: str = MENTEES_RECORD) -> None:
        steps.keep(label, queryset, why)

    steps.delete(
        "mentorship.MentorshipProfile", MentorshipProfile.objects.filter(user=user)
    )
    steps.delete("mentorship.MentorRequest", MentorRequest.objects.filter(learner=user))
    steps.delete(
        "mentorship.ProgressReview", ProgressReview.objects.filter(mentee=user)
    )
    steps.delete(
        "mentorship.MentoringSession", MentoringSession.objects.filter(mentee=user)
    )
    steps.delete(
        "mentorship.SessionNote", SessionNote.objects.filter(author=user, shared=False)
    )
    now = timezone.now()
    steps.append(
        Erasure(
            "mentorship.MentoringSession",
            Erasure.ANONYMIZED,
            MentoringSession.objects.filter(
                mentor=user, status=SessionStatus.BOOKED, start__gt=now
            ).update(status=SessionStatus.CANCELLED, cancelled_at=now),
            "The person's future sessions as a mentor are cancelled.",
        )
    )
    steps.delete("mentorship.Slot", Slot.objects.filter(mentor=user))
    kept("mentorship.MentoringSession", MentoringSession.objects.filter(mentor=user))
    kept("mentorship.SessionNote", SessionNote.objects.filter(author=user))
    kept("mentorship.ProgressReview", ProgressReview.objects.filter(author=user))
    kept(
        "mentorship.MentorRequest",
        MentorRequest.objects.filter(resolved_by=user),
        "Requests the person resolved as staff are the learners' records.",
    )
    kept(
        "mentorship.MentoringSession",
        MentoringSession.objects.filter(cancelled_by=user).exclude(mentor=user),
        "Sessions the person cancelled are others' records.",
    )
    return steps

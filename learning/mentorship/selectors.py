"""Reads for mentorship screens and endpoints. Who sees what is decided here, in
the queries, by one rule per record:

- an assignment: admins all; its mentee always; its mentor while it is active;
- a mentor's free slots: the mentor, admins, and that mentor's active mentees;
- a session: admins; its mentee; its mentor while the assignment is active;
- a note: the session's mentor (and admins) all; the mentee only ``shared`` ones;
- a review: admins; the mentee; the mentor while the assignment is active.

Everything else is ``NotFound``: the existence of another person's mentoring is
private. Ending an assignment therefore takes the mentor's access away at once.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import Enrollment, EnrollmentStatus, MentorAssignment
from portal import hooks as portal_hooks
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role, is_admin
from portal.errors import NotFound
from portal.queries import unique_row

from .models import (
    MentoringSession,
    MentorRequest,
    MentorRequestStatus,
    MentorshipProfile,
    ProgressReview,
    SessionNote,
    SessionStatus,
    Slot,
)

# --- People and time zones -----------------------------------------------------------


def acts_as_mentor(user) -> bool:
    return effective_role(user) == Role.MENTOR


def profile_get(*, user: User) -> MentorshipProfile | None:
    return MentorshipProfile.objects.filter(user=user).first()


def user_time_zone(*, user) -> zoneinfo.ZoneInfo:
    """The zone ``user`` reads and enters times in (UTC until they choose one)."""
    name = "UTC"
    if getattr(user, "is_authenticated", False):
        profile = getattr(user, "_mentorship_profile_cache", None)
        if profile is None:
            profile = profile_get(user=user)
            user._mentorship_profile_cache = profile or False
        if profile:
            name = profile.time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


# --- Assignments ---------------------------------------------------------------------


def _active() -> Q:
    return Q(ended_at__isnull=True)


def _visible_assignments_q(actor: User) -> Q | None:
    """``None`` for admins (everything); a filter otherwise."""
    if is_admin(actor):
        return None
    visible = Q(mentee=actor)
    if acts_as_mentor(actor):
        visible |= Q(mentor=actor, ended_at__isnull=True)
    return visible


def mentorship_progress_fill(rows) -> list[MentorAssignment]:
    """``rows`` (assignments) with their mentee's learning at a glance: active and
    completed courses, average progress of the current enrollments and the last
    learning activity (over all the mentee's courses, also when the assignment names
    one). One grouped query for any number of rows, none for none: a page is cut
    first and only its mentees are summed."""
    rows = list(rows)
    mentees = {row.mentee_id for row in rows}
    summaries = {}
    if mentees:
        summaries = {
            summary["user_id"]: summary
            for summary in Enrollment.objects.active()
            .filter(user_id__in=mentees)
            .order_by()
            .values("user_id")
            .annotate(
                courses_active=Count("pk", filter=Q(status=EnrollmentStatus.ACTIVE)),
                courses_completed=Count(
                    "pk", filter=Q(status=EnrollmentStatus.COMPLETED)
                ),
                average_progress=Avg("progress_percentage"),
                last_activity=Max("last_accessed"),
            )
        }
    for row in rows:
        summary = summaries.get(row.mentee_id, {})
        row.courses_active = summary.get("courses_active", 0)
        row.courses_completed = summary.get("courses_completed", 0)
        row.average_progress = summary.get("average_progress")
        row.last_activity = summary.get("last_activity")
    return rows


def mentorship_list(*, actor: User, active: bool | None = None) -> QuerySet:
    """The assignments ``actor`` may see, newest first. ``active``: only current
    (True) or only ended (False) ones. Their progress summaries are added to the
    rows shown (``mentorship_progress_fill``). The people and the course are
    fetched for the rows found (three key look-ups, none for an empty list):
    joining them into the list's own query made building it cost 1.3 ms even when
    it finds nothing, as it does for most learners (``make bench``)."""
    queryset = MentorAssignment.objects.prefetch_related("mentor", "mentee", "course")
    visible = _visible_assignments_q(actor)
    if visible is not None:
        queryset = queryset.filter(visible)
    if active is not None:
        queryset = queryset.filter(ended_at__isnull=active)
    return queryset.order_by("-created_at", "-pk")


def mentorship_get(*, actor: User, assignment_id: int) -> MentorAssignment:
    assignment = unique_row(mentorship_list(actor=actor).filter(pk=assignment_id))
    if assignment is None:
        raise NotFound("Mentorship not found.")
    return mentorship_progress_fill([assignment])[0]


def mentorship_active_get(*, mentor_id: int, mentee_id: int) -> MentorAssignment | None:
    return MentorAssignment.objects.filter(
        _active(), mentor_id=mentor_id, mentee_id=mentee_id
    ).first()


def mentor_load_list() -> QuerySet[User]:
    """Every mentor with the number of learners they mentor now, busiest first."""
    return (
        User.objects.filter(role=Role.MENTOR, is_active=True)
        .annotate(
            active_mentees=Count(
                "mentee_assignments",
                filter=Q(mentee_assignments__ended_at__isnull=True),
            )
        )
        .order_by("-active_mentees", "email")
    )


def mentee_get_for_mentor(*, actor: User, mentee_id: int) -> MentorAssignment:
    """The active assignment through which ``actor`` mentors ``mentee_id``;
    ``NotFound`` otherwise (admins see any learner's first active assignment)."""
    queryset = MentorAssignment.objects.filter(
        _active(), mentee_id=mentee_id
    ).select_related("mentee", "mentor", "course")
    if not is_admin(actor):
        if not acts_as_mentor(actor):
            raise NotFound("Learner not found.")
        queryset = queryset.filter(mentor=actor)
    assignment = queryset.order_by("pk").first()
    if assignment is None:
        raise NotFound("Learner not found.")
    return assignment


def mentees_for_portal(*, mentor: User) -> list[MentorAssignment]:
    """The mentor portal's list: active assignments with progress and the reasons
    each mentee needs attention (``attention``: a list, empty when all is well).
    A bounded number of queries whatever the number of mentees."""
    rows = mentorship_progress_fill(
        mentorship_list(actor=mentor, active=True).filter(mentor=mentor)
    )
    now = timezone.now()
    inactive_since = now - timedelta(days=settings.MENTORSHIP_INACTIVE_DAYS)
    reasons = portal_hooks.learner_attention_collect(
        user_ids=[row.mentee_id for row in rows],
        since=inactive_since,
        until=now + timedelta(days=settings.MENTORSHIP_DEADLINE_DAYS),
    )
    for row in rows:
        row.attention = []
        if row.last_activity is None or row.last_activity < inactive_since:
            row.attention.append(
                _("no learning activity for %(days)d days")
                % {"days": settings.MENTORSHIP_INACTIVE_DAYS}
            )
        row.attention.extend(reasons.get(row.mentee_id, []))
    return rows


def recent_activity(*, mentor: User, limit: int = 10) -> QuerySet[Enrollment]:
    """The mentees' most recently touched enrollments."""
    return (
        Enrollment.objects.active()
        .filter(
            user__mentor_assignments__mentor=mentor,
            user__mentor_assignments__ended_at__isnull=True,
            last_accessed__isnull=False,
        )
        .select_related("user", "course", "last_module")
        .order_by("-last_accessed")[:limit]
    )


# --- Requests ------------------------------------------------------------------------


def mentor_request_list(*, actor: User, status: str | None = None) -> QuerySet:
    queryset = MentorRequest.objects.select_related("learner", "course")
    if not is_admin(actor):
        queryset = queryset.filter(learner=actor)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def mentor_request_get(*, actor: User, request_id: int) -> MentorRequest:
    found = mentor_request_list(actor=actor).filter(pk=request_id).first()
    if found is None:
        raise NotFound("Request not found.")
    return found


def mentor_request_open_get(*, learner: User) -> MentorRequest | None:
    return MentorRequest.objects.filter(
        learner=learner, status=MentorRequestStatus.OPEN
    ).first()


# --- Slots ---------------------------------------------------------------------------


def _booked() -> Exists:
    return Exists(
        MentoringSession.objects.filter(
            slot_id=OuterRef("pk"), status=SessionStatus.BOOKED
        )
    )


def slots_visible_check(*, actor: User, mentor_id: int) -> User:
    """The mentor whose slots ``actor`` may see (the mentor, admins, the mentor's
    active mentees); ``NotFound`` otherwise."""
    mentor = User.objects.filter(pk=mentor_id, role=Role.MENTOR).first()
    if mentor is None:
        raise NotFound("Mentor not found.")
    if (actor.pk == mentor.pk and acts_as_mentor(actor)) or is_admin(actor):
        return mentor
    if mentorship_active_get(mentor_id=mentor.pk, mentee_id=actor.pk) is None:
        raise NotFound("Mentor not found.")
    return mentor


def slot_free_list(
    *,
    actor: User,
    mentor_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Slot]:
    """A mentor's free slots that have not started, from ``start`` to ``end``."""
    mentor = slots_visible_check(actor=actor, mentor_id=mentor_id)
    now = timezone.now()
    queryset = Slot.objects.filter(mentor=mentor, start__gt=now).filter(~_booked())
    if start is not None:
        queryset = queryset.filter(start__gte=start)
    if end is not None:
        queryset = queryset.filter(start__lt=end)
    return queryset.order_by("start", "pk")


def slot_list_for_mentor(*, mentor: User) -> QuerySet[Slot]:
    """The availability editor: the mentor's coming slots, booked or not."""
    return (
        Slot.objects.filter(mentor=mentor, end__gt=timezone.now())
        .annotate(booked=_booked())
        .order_by("start", "pk")
    )


def slot_get_for_booking(*, actor: User, slot_id: int) -> Slot:
    """A slot ``actor`` could book: one of an active mentor of theirs. Another
    mentor's slot is ``NotFound`` (its existence is none of their business)."""
    slot = (
        Slot.objects.filter(
            pk=slot_id,
            mentor__mentee_assignments__mentee=actor,
            mentor__mentee_assignments__ended_at__isnull=True,
        )
        .select_related("mentor")
        .first()
    )
    if slot is None:
        raise NotFound("Slot not found.", field="slot_id")
    return slot


# --- Sessions ------------------------------------------------------------------------


def _visible_sessions_q(actor: User) -> Q | None:
    if is_admin(actor):
        return None
    visible = Q(mentee=actor)
    if acts_as_mentor(actor):
        visible |= Q(mentor=actor, assignment__ended_at__isnull=True)
    return visible


def session_list(
    *, actor: User, upcoming: bool | None = None, status: str | None = None
) -> QuerySet[MentoringSession]:
    queryset = MentoringSession.objects.select_related("mentor", "mentee")
    visible = _visible_sessions_q(actor)
    if visible is not None:
        queryset = queryset.filter(visible)
    if upcoming is True:
        queryset = queryset.filter(end__gt=timezone.now())
    elif upcoming is False:
        queryset = queryset.filter(end__lte=timezone.now())
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("start", "pk")


def session_get(*, actor: User, session_id: int) -> MentoringSession:
    session = session_list(actor=actor).filter(pk=session_id).first()
    if session is None:
        raise NotFound("Session not found.")
    return session


def session_is_mentor(*, actor: User, session: MentoringSession) -> bool:
    return session.mentor_id == actor.pk or is_admin(actor)


def sessions_for_feed(*, user: User) -> QuerySet[MentoringSession]:
    """Everything a person's calendar feed carries: their sessions on either side
    from 30 days ago on, cancelled ones included (so calendars remove them)."""
    since = timezone.now() - timedelta(days=30)
    return (
        MentoringSession.objects.filter(Q(mentee=user) | Q(mentor=user), end__gt=since)
        .select_related("mentor", "mentee")
        .order_by("start", "pk")
    )


def sessions_due_for_reminder(
    *, hours: int, now: datetime | None = None
) -> QuerySet[MentoringSession]:
    """Booked sessions that start within ``hours`` from now (and have not)."""
    now = now or timezone.now()
    return MentoringSession.objects.filter(
        status=SessionStatus.BOOKED,
        start__gt=now,
        start__lte=now + timedelta(hours=hours),
    ).select_related("mentor", "mentee")


# --- Notes and reviews ---------------------------------------------------------------


def note_list(*, actor: User, session: MentoringSession) -> QuerySet[SessionNote]:
    """All notes for the session's mentor and admins; shared ones for the mentee.
    Call with a session from ``session_get`` (visibility of the session itself)."""
    queryset = SessionNote.objects.filter(session=session).select_related("author")
    if not session_is_mentor(actor=actor, session=session):
        queryset = queryset.filter(shared=True)
    return queryset.order_by("created_at", "pk")


def shared_notes_for_mentee(*, mentee: User) -> QuerySet[SessionNote]:
    return (
        SessionNote.objects.filter(session__mentee=mentee, shared=True)
        .select_related("session", "author")
        .order_by("-created_at", "-pk")
    )


def review_list(*, actor: User, assignment: MentorAssignment) -> QuerySet:
    """Reviews of an assignment from ``mentorship_get`` (which decided visibility)."""
    return ProgressReview.objects.filter(assignment=assignment).select_related(
        "author", "mentee"
    )


def review_list_for_mentee(*, mentee: User) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.filter(mentee=mentee).select_related("author")


def review_get_for_mentee(*, actor: User, review_id: int) -> ProgressReview:
    review = ProgressReview.objects.filter(pk=review_id, mentee=actor).first()
    if review is None:
        raise NotFound("Review not found.")
    return review


def digest_for_mentor(*, mentor: User, now: datetime | None = None) -> dict:
    """The weekly digest's content: the coming week's sessions and mentees who
    need attention."""
    now = now or timezone.now()
    sessions = list(
        MentoringSession.objects.filter(
            mentor=mentor,
            status=SessionStatus.BOOKED,
            start__gt=now,
            start__lte=now + timedelta(days=7),
        )
        .select_related("mentee")
        .order_by("start")
    )
    mentees = mentees_for_portal(mentor=mentor)
    return {
        "sessions": [
            {
                "start": s.start.isoformat(),
                "mentee": s.mentee.get_full_name() or s.mentee.email,
                "topic": s.topic,
            }
            for s in sessions
        ],
        "attention": [
            {
                "mentee": m.mentee.get_full_name() or m.mentee.email,
                "reasons": m.attention,
            }
            for m in mentees
            if m.attention
        ],
    }


def mentors_with_mentees() -> QuerySet[User]:
    return User.objects.filter(
        role=Role.MENTOR,
        is_active=True,
        mentee_assignments__ended_at__isnull=True,
    ).distinct()


def local_time_text(*, user, moment: datetime) -> str:
    """``moment`` as ``user`` reads it: ``Mon 2 Mar 2026, 18:00 (America/New_York)``."""
    zone = user_time_zone(user=user)
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %Y, %H:%M} ({zone.key})"


def profile_by_feed_token(*, token: str) -> MentorshipProfile | None:
    """The active person whose calendar feed ``token`` opens, if any."""
    return (
        MentorshipProfile.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )

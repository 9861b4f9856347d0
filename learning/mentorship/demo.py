"""Demo mentoring for ``make run``: the demo mentor has two mentees (the demo
student, assigned by ``learning``'s seeder, and a second learner made here),
published slots for the coming week, a booked session and a past session with a
private and a shared note."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from learning.models import MentorAssignment
from portal.accounts.models import User
from portal.demo import DemoReport

from .models import MentoringSession, Slot
from .services import (
    mentorship_create,
    note_create,
    profile_ensure,
    review_create,
    session_book,
    slot_create,
)

SECOND_MENTEE = ("jordan@example.org", "Jordan", "Learner", "learn-Demo-2026!")


@transaction.atomic
def seed_mentorship(report: DemoReport) -> None:
    mentor = User.objects.filter(email="mentor@example.org").first()
    student = User.objects.filter(email="student@example.org").first()
    admin = User.objects.filter(email="admin@example.org").first()
    if mentor is None or student is None:
        return
    email, first, last, password = SECOND_MENTEE
    jordan = User.objects.filter(email=email).first()
    if jordan is None:
        jordan = User.objects.create_user(
            email, password, first_name=first, last_name=last
        )
        report.accounts.append(("Student", email, password))
    for mentee in (student, jordan):
        if not MentorAssignment.objects.filter(
            mentor=mentor, mentee=mentee, ended_at=None
        ).exists():
            mentorship_create(actor=admin, mentor_id=mentor.pk, mentee_id=mentee.pk)
    profile_ensure(user=mentor)
    if Slot.objects.filter(mentor=mentor).exists():
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    first_slot = now + timedelta(days=1, hours=2)
    slots = slot_create(
        actor=mentor,
        start=first_slot,
        end=first_slot + timedelta(hours=1),
        repeat_weeks=4,
    )
    for day in (2, 3):
        start = now + timedelta(days=day, hours=3)
        slots += slot_create(actor=mentor, start=start, end=start + timedelta(hours=1))
    session_book(actor=student, slot_id=slots[0].pk, topic="Preparing for Security+")
    # A session in the past cannot be booked through the service (slots must
    # start in the future), so its rows are written directly for the demo.
    assignment = MentorAssignment.objects.get(
        mentor=mentor, mentee=student, ended_at=None
    )
    past = now - timedelta(days=6)
    past_slot = Slot.objects.create(
        mentor=mentor, start=past, end=past + timedelta(hours=1)
    )
    session = MentoringSession.objects.create(
        slot=past_slot,
        assignment=assignment,
        mentor=mentor,
        mentee=student,
        start=past_slot.start,
        end=past_slot.end,
        topic="Getting started: a study plan",
        meeting_url="https://meet.jit.si/portal-demo-session",
    )
    note_create(
        actor=mentor,
        session=session,
        body="Sam seems anxious about the exam; check in on confidence next time.",
        shared=False,
    )
    note_create(
        actor=mentor,
        session=session,
        body="Plan: two modules a week, practice quiz every Friday.",
        shared=True,
    )
    review_create(
        actor=mentor,
        assignment=assignment,
        summary="A good start: the first module is done.",
        goals="Finish the course within six weeks.",
        next_steps="Book a session after the first practice quiz.",
    )
    report.lines.append(
        "Mentoring: mentor@example.org mentors student@example.org and "
        "jordan@example.org (see /mentor/; learners see /mentoring/)."
    )

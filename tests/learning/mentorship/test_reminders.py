"""Reminders 24 h and 1 h before a session and the weekly digest: each sent once,
even when two beat processes run the task at the same time."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from learning.mentorship import services, tasks
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


def reminders():
    return Notification.objects.filter(event="mentorship.reminder")


class TestReminders:
    def test_24h_then_1h_each_once_to_both(
        self, booked, django_capture_on_commit_callbacks
    ):
        start = booked.start
        # A day before: the 24-hour reminder, to both people.
        at = start - timedelta(hours=23, minutes=58)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send(now=at) == 2
        assert services.reminders_send(now=at + timedelta(minutes=5)) == 0
        assert sorted(r.payload["hours"] for r in reminders()) == [24, 24]
        # An hour before: the 1-hour reminder.
        at = start - timedelta(minutes=58)
        assert services.reminders_send(now=at) == 2
        assert services.reminders_send(now=at) == 0
        assert reminders().count() == 4
        assert {m.subject for m in mail.outbox if "Reminder" in m.subject} == {
            "Reminder: mentoring session in 24 hours"
        }

    def test_two_beat_processes_send_once(self, booked):
        at = booked.start - timedelta(hours=23)
        first = services.reminders_send(now=at)
        second = services.reminders_send(now=at)  # the second beat, same tick
        assert (first, second) == (2, 0)
        assert reminders().count() == 2

    def test_cancelled_sessions_get_no_reminder(self, booked, mentee):
        services.session_cancel(actor=mentee, session=booked)
        assert services.reminders_send(now=booked.start - timedelta(hours=1)) == 0

    def test_booked_inside_the_window_gets_only_the_closer_one(
        self, assignment, mentee, make_slot
    ):
        slot = make_slot(hours=3)
        session = services.session_book(actor=mentee, slot_id=slot.pk, topic="Soon")
        assert services.reminders_send() == 0  # 3 h ahead: no 24-hour reminder
        at = session.start - timedelta(minutes=30)
        assert services.reminders_send(now=at) == 2
        assert {r.payload["hours"] for r in reminders()} == {1}

    def test_the_task_and_its_beat_entries(self, booked):
        schedule = settings.CELERY_BEAT_SCHEDULE
        tasks_named = {entry["task"] for entry in schedule.values()}
        assert {"mentorship.send_reminders", "mentorship.send_weekly_digest"} <= (
            tasks_named
        )
        assert tasks.send_reminders.delay().get() == 0


class TestDigest:
    def test_weekly_digest_once_per_week_per_mentor(
        self, booked, mentor, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.digest_send(now=now) == 1
        assert services.digest_send(now=now) == 0
        [row] = Notification.objects.filter(event="mentorship.weekly_digest")
        assert row.user == mentor
        assert [s["topic"] for s in row.payload["sessions"]] == [booked.topic]
        [message] = [m for m in mail.outbox if m.subject == "Your mentoring week"]
        assert booked.topic in message.body
        assert services.digest_send(now=now + timedelta(days=7)) == 1

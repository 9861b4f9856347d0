"""``make run``'s demo has a populated mentor portal."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from learning.mentorship.models import MentoringSession, SessionNote, Slot
from learning.models import MentorAssignment
from portal.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_mentor_with_two_mentees_slots_and_a_past_session_with_notes(
    client, home_page
):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    mentor = User.objects.get(email="mentor@example.org")
    assert MentorAssignment.objects.filter(mentor=mentor, ended_at=None).count() == 2
    assert Slot.objects.filter(mentor=mentor).count() >= 6
    past = MentoringSession.objects.get(mentor=mentor, end__lt=timezone.now())
    assert {n.shared for n in SessionNote.objects.filter(session=past)} == {True, False}
    client.force_login(mentor)
    html = client.get("/mentor/").content.decode()
    assert "student@example.org" in html or "Sam" in html
    assert "Jordan" in html

"""Mentorship end to end in a real browser: an admin assigns a mentor in the Django
admin; the mentor publishes a slot; the mentee books it and gets the invitation
e-mail with a valid .ics; the mentor writes a private and a shared note; the
mentee sees only the shared one."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from learning.mentorship.models import MentoringSession
from learning.models import MentorAssignment
from tests.browser import browser_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRIVATE = "Nervous about the interview; revisit next time."
SHARED = "Homework: rewrite the resume summary for a SOC analyst role."


class TestMentorshipInTheBrowser:
    def test_assign_publish_book_invite_and_notes(
        self,
        browser_page,
        chromium_browser,
        live_server,
        home_page,
        admin,
        mentor,
        mentee,
    ):
        base = live_server.url
        mail.outbox.clear()

        # The admin assigns the mentor in the Django admin.
        page = browser_page
        sign_in(page, base, admin.email)
        page.goto(f"{base}/django-admin/learning/mentorassignment/add/")
        page.locator("#id_mentor").select_option(str(mentor.pk))
        page.locator("#id_mentee").select_option(str(mentee.pk))
        page.locator("input[name=_save]").click()
        expect(page.locator("#mentor-load")).to_contain_text(mentor.email)
        assignment = MentorAssignment.objects.get(mentor=mentor, mentee=mentee)
        assert assignment.ended_at is None

        # The mentor signs in, lands on her portal and publishes a slot.
        with browser_context(chromium_browser) as mentor_context:
            mentor_page = mentor_context.new_page()
            sign_in(mentor_page, base, mentor.email, lands_on="/mentor/")
            expect(mentor_page.locator("#mentees")).to_contain_text(
                mentee.get_full_name()
            )
            mentor_page.get_by_role("link", name="Availability").first.click()
            day = (timezone.now() + timedelta(days=2)).date().isoformat()
            mentor_page.locator("#date").fill(day)
            mentor_page.locator("#time").fill("15:00")
            mentor_page.locator("#duration").fill("60")
            mentor_page.get_by_role("button", name="Publish", exact=True).click()
            expect(mentor_page.locator("#slots")).to_contain_text("Free")

            # The mentee books it.
            with browser_context(chromium_browser) as mentee_context:
                mentee_page = mentee_context.new_page()
                sign_in(mentee_page, base, mentee.email)
                mentee_page.goto(f"{base}/mentoring/")
                mentee_page.locator("input[name=slot_id]").first.check()
                mentee_page.get_by_label("Topic").fill("Moving from the Army to a SOC")
                mentee_page.get_by_role("button", name="Book", exact=True).click()
                expect(mentee_page).to_have_url(
                    re.compile(r"/mentoring/sessions/\d+/$")
                )
                expect(mentee_page.locator("#session-status")).to_have_text("Booked")
                session = MentoringSession.objects.get(mentee=mentee)

                # The invitation e-mail with a valid .ics reached the mentee.
                [invitation] = [
                    m
                    for m in mail.outbox
                    if m.to == [mentee.email] and "Mentoring session" in m.subject
                ]
                [(name, content, mimetype)] = invitation.attachments
                assert name.endswith(".ics")
                assert mimetype == "text/calendar"
                [event] = Calendar.from_ical(content).walk("VEVENT")
                assert str(event["UID"]) == session.uid
                assert event.decoded("DTSTART") == session.start

                # The mentor writes a private and a shared note.
                mentor_page.goto(f"{base}/mentor/")
                mentor_page.get_by_role(
                    "link", name=re.compile(r"\d\d:\d\d")
                ).first.click()
                expect(mentor_page).to_have_url(
                    f"{base}/mentoring/sessions/{session.pk}/"
                )
                mentor_page.get_by_label("New note").fill(PRIVATE)
                mentor_page.get_by_role("button", name="Save note").click()
                expect(mentor_page.locator("#notes")).to_contain_text(PRIVATE)
                mentor_page.get_by_label("New note").fill(SHARED)
                mentor_page.get_by_label("Share with the mentee").check()
                mentor_page.get_by_role("button", name="Save note").click()
                expect(mentor_page.locator("#notes")).to_contain_text(SHARED)

                # The mentee sees only the shared one.
                mentee_page.reload()
                notes = mentee_page.locator("#notes")
                expect(notes).to_contain_text(SHARED)
                expect(notes).not_to_contain_text(PRIVATE)
                mentee_page.goto(f"{base}/mentoring/")
                expect(mentee_page.locator("#shared-notes")).to_contain_text(SHARED)
                expect(mentee_page.get_by_role("main")).not_to_contain_text(PRIVATE)

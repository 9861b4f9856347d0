"""In a real browser, with an idle timeout of seconds: the warning appears before
the session ends, "Stay signed in" keeps it, and letting the countdown run out
signs the person out (on the server, not just on the page). And the sign-in
notice must be accepted before signing in."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE = 8  # seconds
WARNING = 5  # the dialog shows 3 seconds after the last request


class TestIdleTimeoutInTheBrowser:
    def test_warning_stay_signed_in_then_signed_out(
        self, browser_page, live_server, home_page, settings
    ):
        settings.SESSION_IDLE_TIMEOUT_BY_ROLE = {"student": IDLE}
        settings.SESSION_IDLE_WARNING_SECONDS = WARNING
        learner = UserFactory(email="idle@example.org")
        base = live_server.url
        page = browser_page
        header = page.get_by_role("banner")
        dialog = page.get_by_role("dialog", name="Are you still there?")

        sign_in(page, base, learner.email)
        loaded = time.monotonic()
        expect(dialog).to_be_hidden()
        expect(dialog).to_be_visible(timeout=(IDLE + 2) * 1000)
        assert time.monotonic() - loaded >= IDLE - WARNING - 1
        expect(dialog).to_contain_text(re.compile(r"in 0:0\d"))

        dialog.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()
        # Past the first deadline: still signed in, on the same page.
        page.wait_for_timeout(max(0, (loaded + IDLE + 1 - time.monotonic()) * 1000))
        expect(page).to_have_url(f"{base}/learn/")
        expect(header).to_contain_text(learner.email)

        # Now nobody answers: the dialog comes back and the countdown ends it.
        expect(dialog).to_be_visible(timeout=(IDLE + 2) * 1000)
        expect(page).to_have_url(
            re.compile(r"/accounts/login/\?next=%2Flearn%2F$"),
            timeout=(IDLE + 4) * 1000,
        )
        expect(page.locator(".messages")).to_contain_text(
            "You were signed out after 1 minute without activity."
        )
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
        # The server ended the session: the profile wants a sign-in.
        page.goto(f"{base}/accounts/profile/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


class TestSignInNoticeInTheBrowser:
    def test_the_notice_must_be_accepted(
        self, browser_page, live_server, home_page, settings
    ):
        settings.SIGN_IN_NOTICE = "usg"
        user = UserFactory(email="usg@example.org")
        base = live_server.url
        page = browser_page
        page.goto(f"{base}/accounts/login/")
        notice = page.get_by_role("region", name="Notice and consent")
        expect(notice).to_contain_text(
            "You are accessing a U.S. Government (USG) Information System (IS)"
        )
        expect(notice.get_by_role("listitem")).to_have_count(5)
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        # The browser refuses the form until the box is ticked.
        expect(page).to_have_url(f"{base}/accounts/login/")
        consent = page.get_by_label("I have read the notice above and consent")
        expect(consent).not_to_be_checked()
        assert consent.evaluate("box => box.validity.valueMissing")
        consent.check()
        page.get_by_role("button", name="Sign In").click()
        expect(page).to_have_url(f"{base}/learn/")
        expect(page.get_by_role("banner")).to_contain_text(user.email)

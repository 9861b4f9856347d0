"""A visitor signs up, out and in again in a real browser."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ada@example.org"
PASSWORD = "Correct-Horse-Battery-42"
# For a person to look at the layout; not an assertion.
SCREENSHOT = Path(tempfile.gettempdir()) / "web-signed-in.png"


class TestSignInInTheBrowser:
    def test_sign_up_sign_out_and_sign_in_again(
        self, browser_page, live_server, home_page, django_user_model
    ):
        page = browser_page
        header = page.get_by_role("banner")

        page.goto(f"{live_server.url}/accounts/signup/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
        page.get_by_label("First name").fill("Grace")
        page.get_by_label("Last name").fill("Hopper")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill(PASSWORD)
        page.get_by_role("button", name="Sign Up").click()

        # Signing up (and in) lands on "My learning".
        expect(page).to_have_url(f"{live_server.url}/learn/")
        expect(header).to_contain_text(EMAIL)
        expect(header.get_by_role("link", name="Security")).to_be_visible()
        assert django_user_model.objects.filter(email=EMAIL, role="student").exists()
        page.screenshot(path=SCREENSHOT, full_page=True)

        header.get_by_role("button", name="Sign out").click()
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
        expect(header).not_to_contain_text(EMAIL)

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()

        expect(page).to_have_url(f"{live_server.url}/learn/")
        expect(header).to_contain_text(EMAIL)

        header.get_by_role("button", name="Sign out").click()
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill("Not-The-Right-Password-1")
        page.get_by_role("button", name="Sign In").click()

        expect(page.get_by_role("alert")).to_contain_text(
            "The email address and/or password you specified are not correct."
        )
        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
        expect(header).not_to_contain_text(EMAIL)

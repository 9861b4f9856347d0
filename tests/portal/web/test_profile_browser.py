"""In a real browser: a student opening /cms/ gets the 403 page (no redirect
loop), and a name changed on the profile shows on the next certificate."""

import io
import itertools
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from content.models import ModulePage
from learning.models import Certificate
from tests.browser import sign_in
from tests.learning import conftest as learning_fixtures
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor
make_course = learning_fixtures.make_course
course = learning_fixtures.course


class TestProfileInTheBrowser:
    def test_cms_is_a_403_page_for_a_student(
        self, browser_page, live_server, home_page
    ):
        student = UserFactory(email="sam@example.org")
        base = live_server.url
        page = browser_page
        sign_in(page, base, student.email)
        response = page.goto(f"{base}/cms/")
        assert response.status == 403
        expect(page).to_have_url(f"{base}/cms/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "The editor is for instructors and administrators"
        )
        expect(page.locator(".messages")).to_have_count(0)
        page.get_by_role("link", name="Go to My learning").click()
        expect(page).to_have_url(f"{base}/learn/")

    def test_a_new_name_shows_on_the_next_certificate(
        self, browser_page, live_server, home_page, course
    ):
        learner = UserFactory(
            email="kim@example.org", first_name="Kim", last_name="Lee"
        )
        base = live_server.url
        page = browser_page
        sign_in(page, base, learner.email)

        page.get_by_role("banner").get_by_role("link", name="Profile").click()
        expect(page).to_have_url(f"{base}/accounts/profile/")
        page.get_by_label("First name").fill("Kimberly")
        page.get_by_label("Last name").fill("Lee-Park")
        page.get_by_role("button", name="Save name").click()
        expect(page.locator(".messages")).to_contain_text("Your next certificates")

        page.goto(f"{base}{course.url}")
        page.get_by_role("button", name="Enroll for free").click()
        modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
        panel = page.get_by_role("region", name="Your progress on this module")
        for module, following in itertools.pairwise(modules):
            page.goto(f"{base}{module.url}")
            panel.get_by_role("button", name=re.compile("^Mark complete")).click()
            expect(page).to_have_url(f"{base}{following.url}")
        expect(page.locator(".messages")).to_contain_text("Course complete!")
        certificate = Certificate.objects.get(user=learner)
        assert certificate.holder_name == "Kimberly Lee-Park"
        page.goto(f"{base}/learn/")
        item = (
            page.get_by_role("main")
            .get_by_role("listitem")
            .filter(has_text=f"Number {certificate.number}")
        )
        with page.expect_download() as download_info:
            item.get_by_role("link", name="Download PDF").click()
        data = Path(download_info.value.path()).read_bytes()
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "Kimberly Lee-Park" in text

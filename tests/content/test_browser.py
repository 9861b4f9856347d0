"""Courses in a real browser: an instructor writes one in the Wagtail editor, an
admin approves it there, and learners find it in the catalog. Also renders the demo
catalog for a person to look at the layout."""

import re
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from content.models import CoursePage, ModulePage
from content.services import catalog_get
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.browser import browser_context, sign_in
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Phishing Defense for Teams"
# For a person to look at the layout; not assertions.
SHOTS = Path(tempfile.gettempdir())


def open_action_menu(page) -> None:
    """The footer's drop-up with the actions after "Save draft"."""
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def person(role: str, email: str, **fields):
    user = UserFactory(role=role, email=email, **fields)
    user_role_privileges_sync(user=user)
    return user


class TestCourseAuthoringInTheBrowser:
    def test_instructor_writes_submits_and_admin_approves(
        self, browser_page, chromium_browser, live_server, home_page
    ):
        catalog = catalog_get()
        person(Role.INSTRUCTOR, "irene@example.org", first_name="Irene")
        person(Role.ADMIN, "ada@example.org", first_name="Ada")
        base = live_server.url
        page = browser_page

        # The instructor creates a draft course under the catalog.
        sign_in(page, base, "irene@example.org")
        page.goto(f"{base}/cms/")
        page.goto(f"{base}/cms/pages/{catalog.pk}/")
        page.get_by_role("link", name="Add child page").first.click()
        expect(page).to_have_url(re.compile(r"/cms/pages/add/content/coursepage/"))
        page.locator("#id_title").fill(TITLE)
        # Wagtail copies the title into the slug on keyup; saving before that fails
        # validation on the Promote tab.
        page.locator("#id_title").press("End")
        expect(page.locator("#id_slug")).not_to_have_value("")
        page.locator(
            '[data-contentpath="description"] [contenteditable="true"]'
        ).click()
        page.keyboard.type("Spot, report and contain phishing before it costs.")
        # Draftail copies its content into the form's hidden input as it settles.
        expect(page.locator("#id_description")).to_have_value(
            re.compile("Spot, report and contain")
        )
        page.locator("#id_category").fill("Security awareness")
        page.locator("#id_difficulty_level").select_option("beginner")
        page.locator("#id_estimated_duration").fill("240")
        page.get_by_role("button", name="Save draft").click()
        expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"))
        course = CoursePage.objects.get(title=TITLE)
        assert course.status == "draft"

        # ... adds a module to it ...
        page.goto(f"{base}/cms/pages/{course.pk}/add_subpage/")
        expect(page).to_have_url(re.compile(r"/add/content/modulepage/"))
        page.locator("#id_title").fill("Recognising a phishing email")
        page.locator("#id_title").press("End")
        expect(page.locator("#id_slug")).to_have_value("recognising-a-phishing-email")
        page.locator("#id_description").fill("Headers, links and tone.")
        page.locator("#id_kind").select_option("text")
        page.locator("#id_duration").fill("30")
        page.get_by_role("button", name="Save draft").click()
        expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"))
        assert ModulePage.objects.child_of(course).filter(live=False).count() == 1

        # ... and submits the course for review.
        page.goto(f"{base}/cms/pages/{course.pk}/edit/")
        open_action_menu(page)
        page.get_by_role("button", name="Submit to Course review").click()
        expect(page).to_have_url(f"{base}/cms/pages/{catalog.pk}/")
        assert CoursePage.objects.get(pk=course.pk).status == "in_review"
        page.goto(f"{base}/courses/")
        expect(page.get_by_role("main")).not_to_contain_text(TITLE)

        # An admin, in a browser of her own, approves it from her dashboard.
        with browser_context(chromium_browser) as admin_context:
            admin_page = admin_context.new_page()
            sign_in(admin_page, base, "ada@example.org")
            admin_page.goto(f"{base}/cms/")
            expect(admin_page.get_by_text("Awaiting your review")).to_be_visible()
            admin_page.get_by_role("link", name=TITLE).click()
            expect(admin_page).to_have_url(f"{base}/cms/pages/{course.pk}/edit/")
            open_action_menu(admin_page)
            admin_page.get_by_role(
                "button", name="Approve and Publish", exact=True
            ).click()
            expect(admin_page.get_by_text(f"Page '{TITLE}' has been")).to_be_visible()
        assert CoursePage.objects.get(pk=course.pk).status == "published"

        # Anyone now finds it in the catalog.
        page.context.clear_cookies()
        page.goto(f"{base}/courses/")
        card = page.get_by_role("article").filter(has_text=TITLE)
        expect(card).to_contain_text("Security awareness")
        # The duration shown is its one module's 30 minutes, not the 4-hour estimate.
        expect(card).to_contain_text("30 min")
        card.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("main")).to_contain_text("Spot, report and contain")


class TestDemoCatalogInTheBrowser:
    def test_catalog_course_and_module_pages(
        self, browser_page, live_server, home_page
    ):
        call_command("seed_demo", stdout=StringIO())
        base = live_server.url
        page = browser_page

        page.goto(f"{base}/")
        page.get_by_role("banner").get_by_role("link", name="Courses").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
        expect(page.get_by_role("article")).to_have_count(6)
        page.screenshot(path=SHOTS / "catalog.png", full_page=True)

        page.get_by_label("Difficulty").select_option("intermediate")
        page.get_by_label("Search").fill("incident")
        page.get_by_role("button", name="Show courses").click()
        expect(page.get_by_role("article")).to_have_count(1)
        page.get_by_role("link", name="Incident Response Fundamentals").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Incident Response Fundamentals"
        )
        breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
        expect(breadcrumb.get_by_role("link")).to_have_count(3)
        expect(page.get_by_role("link", name="Sign in to enroll")).to_be_visible()
        page.screenshot(path=SHOTS / "course.png", full_page=True)

        # The first module is a free preview: anyone may read it ...
        page.get_by_role("link", name="The incident response lifecycle").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "The incident response lifecycle"
        )
        expect(page.get_by_role("note")).to_contain_text("after-action review")
        page.screenshot(path=SHOTS / "module.png", full_page=True)
        # ... the others are for enrolled learners.
        page.get_by_role("link", name=re.compile("Next module")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Triage: the first hour"
        )
        expect(
            page.get_by_role("heading", name="This module is for enrolled learners")
        ).to_be_visible()
        expect(page.locator("pre code")).to_have_count(0)
        expect(
            page.get_by_role("link", name="Sign in", exact=True).last
        ).to_be_visible()

        # Narrow screens: nothing scrolls sideways.
        page.set_viewport_size({"width": 375, "height": 800})
        for path, shot in (
            ("/courses/", "catalog-mobile.png"),
            ("/courses/incident-response-fundamentals/", "course-mobile.png"),
        ):
            page.goto(f"{base}{path}")
            page.screenshot(path=SHOTS / shot, full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, path

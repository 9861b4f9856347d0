"""A learner's whole path in a real browser: sign up, enroll in a free course, work
through its modules, see 100% on "My learning" and download the certificate PDF."""

import io
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from content.models import ModulePage
from learning.models import Certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "grace@example.org"
PASSWORD = "Correct-Horse-Battery-42"
TITLE = "Incident Response Basics"
MODULES = (("Triage", True), ("Containment", True), ("Further reading", False))
# For a person to look at the layout; not assertions.
SHOTS = Path(tempfile.gettempdir())


def sign_up(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(f"{base_url}/learn/")
    expect(page.get_by_role("banner")).to_contain_text(EMAIL)


class TestLearnerInTheBrowser:
    def test_sign_up_enroll_complete_and_download_the_certificate(
        self, browser_page, live_server, home_page, make_course
    ):
        course = make_course(title=TITLE, modules=MODULES, publish=True)
        modules = list(ModulePage.objects.child_of(course).live())
        assert [m.title for m in modules] == [name for name, _ in MODULES]
        base = live_server.url
        page = browser_page
        main = page.get_by_role("main")

        sign_up(page, base)

        # The course page offers the free enrollment; it leads to the first module.
        page.goto(f"{base}{course.url}")
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        page.get_by_role("button", name="Enroll for free").click()
        expect(page).to_have_url(f"{base}{modules[0].url}")
        expect(
            page.get_by_role("status").filter(has_text=f"Welcome to {TITLE}!")
        ).to_be_visible()

        # Each module is marked complete; all but the last continue to the next one.
        panel = main.get_by_role("region", name="Your progress on this module")
        for index, module in enumerate(modules):
            expect(page).to_have_url(f"{base}{module.url}")
            expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
            is_last = index == len(modules) - 1
            if index == 1:
                expect(panel).to_contain_text("Course progress: 50%")
                page.screenshot(path=SHOTS / "module-progress.png", full_page=True)
            if index == 2:  # the mandatory ones are done: the course is complete
                expect(
                    page.get_by_role("status").filter(has_text="Course complete!")
                ).to_be_visible()
            label = "Mark complete" if is_last else "Mark complete and continue"
            panel.get_by_role("button", name=label, exact=True).click()
        # The last one stays on its page, now shown as done.
        expect(page).to_have_url(f"{base}{modules[-1].url}")
        expect(panel.get_by_role("status")).to_have_text("✓ You completed this module.")
        expect(panel.get_by_role("button", name="Mark as not done")).to_be_visible()
        expect(panel).to_contain_text("Course progress: 100%")

        # "My learning" shows the course complete and its certificate.
        panel.get_by_role("link", name="My learning").click()
        expect(page).to_have_url(f"{base}/learn/")
        progress = main.get_by_role("progressbar", name=f"Progress in {TITLE}")
        expect(progress).to_have_attribute("aria-valuenow", "100")
        expect(main.get_by_text("100% complete")).to_be_visible()
        certificate = Certificate.objects.get(user__email=EMAIL, course=course)
        number = certificate.number
        assert re.fullmatch(r"[A-Z]+-\d{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", number)
        item = main.get_by_role("listitem").filter(has_text=f"Number {number}")
        expect(item.get_by_role("heading", name=TITLE)).to_be_visible()
        page.screenshot(path=SHOTS / "my-learning.png", full_page=True)

        # The PDF downloads and names the holder (the name given at sign-up)
        # and the number shown on the page.
        with page.expect_download() as download_info:
            item.get_by_role("link", name="Download PDF").click()
        download = download_info.value
        assert download.failure() is None
        assert download.suggested_filename == f"certificate-{number}.pdf"
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"%PDF")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert certificate.holder_name == "Grace Hopper"
        assert "Grace Hopper" in text
        assert number in text
        assert TITLE in text

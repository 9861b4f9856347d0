"""The issue's "done when", in a real browser: an admin creates an organization with
a representative and 5 seats in the Django admin; the representative uploads a
7-row CSV (one bad e-mail, one duplicate), watches the job finish, reads the
per-row report and downloads the XLSX report, which the test opens."""

import io
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from corporate.models import Organization, SeatAssignment
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.browser import browser_context, sign_in
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir())


def person(role: str, email: str, **fields):
    user = UserFactory(role=role, email=email, **fields)
    user_role_privileges_sync(user=user)
    return user


class TestPartnerInTheBrowser:
    def test_admin_sets_up_rep_uploads_and_downloads_the_report(
        self, browser_page, chromium_browser, live_server, home_page, make_course
    ):
        course = make_course(title="Security Awareness")
        person(Role.ADMIN, "ada@example.org")
        rep = person(Role.CORPORATE_REP, "casey@example.org", first_name="Casey")
        staff = [
            person(Role.STUDENT, f"staff{i}@initech.example.org") for i in range(1, 6)
        ]
        base = live_server.url
        page = browser_page

        # The admin creates the organization with 5 seats, then names the rep.
        sign_in(page, base, "ada@example.org")
        page.goto(f"{base}/django-admin/corporate/organization/add/")
        page.locator("[name=name]").press_sequentially("Initech")
        # The slug is filled from the name as one types (Django's prepopulate).
        expect(page.locator("[name=slug]")).to_have_value("initech")
        page.locator("[name=contact_email]").fill("hr@initech.example.org")
        page.locator("[name='seat_pools-0-course']").fill(str(course.pk))
        page.locator("[name='seat_pools-0-quantity']").fill("5")
        page.locator("[name=_save]").click()
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
        organization = Organization.objects.get(slug="initech")
        assert organization.seat_pools.get().quantity == 5

        page.goto(f"{base}/django-admin/corporate/organizationmembership/add/")
        page.locator("[name=organization]").select_option(str(organization.pk))
        page.locator("[name=user]").fill(str(rep.pk))
        page.locator("[name=role]").select_option("representative")
        page.locator("[name=_save]").click()
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

        # The representative uploads a 7-row CSV: 5 people, one of them twice,
        # and one address that is not one.
        with browser_context(chromium_browser) as rep_context:
            rep_page = rep_context.new_page()
            sign_in(rep_page, base, rep.email)
            rep_page.goto(f"{base}/organizations/")
            expect(rep_page.get_by_role("heading", level=1)).to_have_text("Initech")
            rep_page.get_by_role("link", name="Bulk enrollment").click()
            rows = [s.email for s in staff[:2]] + ["not-an-address"]
            rows += [s.email for s in staff[2:]] + [staff[0].email]
            csv = "email,first_name\r\n" + "".join(f"{r},X\r\n" for r in rows)
            assert len(rows) == 7
            rep_page.get_by_label("Course").select_option(str(course.pk))
            rep_page.get_by_label("CSV file").set_input_files(
                {"name": "staff.csv", "mimeType": "text/csv", "buffer": csv.encode()}
            )
            rep_page.get_by_role("button", name="Upload").click()

            # The job page follows the job until it has finished.
            expect(rep_page.locator("#job-status")).to_have_text("Succeeded")
            expect(rep_page.locator("#job-progress")).to_have_text("7 / 7")
            table = rep_page.locator("#job-rows tbody tr")
            expect(table).to_have_count(7)
            expect(
                rep_page.locator("#job-rows tr[data-outcome=enrolled]")
            ).to_have_count(5)
            expect(
                rep_page.locator("#job-rows tr[data-outcome=invalid]")
            ).to_have_count(1)
            duplicate = rep_page.locator("#job-rows tr[data-outcome=already_enrolled]")
            expect(duplicate).to_have_count(1)
            expect(duplicate).to_contain_text("Duplicate of row 2")
            expect(
                rep_page.locator("#job-rows tr[data-outcome=invalid]")
            ).to_contain_text("not-an-address")
            rep_page.screenshot(path=SHOTS / "bulk-job.png", full_page=True)
            assert SeatAssignment.objects.filter(released_at=None).count() == 5

            # The dashboard shows the seats used; the report downloads as XLSX.
            rep_page.get_by_role("link", name="Dashboard").click()
            expect(rep_page.locator("[data-figure=seats]")).to_have_text("5 / 5")
            rep_page.screenshot(path=SHOTS / "org-dashboard.png", full_page=True)
            rep_page.get_by_role("link", name="Reports").click()
            with rep_page.expect_download() as download_info:
                rep_page.get_by_role("link", name="Download Excel (XLSX)").click()
            download = download_info.value
            assert download.suggested_filename.endswith(".xlsx")
            workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
            sheet = workbook.active
            table_rows = list(sheet.iter_rows(values_only=True))
            header = table_rows[0]
            emails = sorted(r[header.index("email")] for r in table_rows[1:])
            assert emails == sorted(s.email for s in staff)
            titles = {r[header.index("course_title")] for r in table_rows[1:]}
            assert titles == {"Security Awareness"}
            statuses = {r[header.index("status")] for r in table_rows[1:]}
            assert statuses == {"active"}

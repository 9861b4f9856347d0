"""Staff in a real browser: an admin enrolls a learner and revokes a certificate in
the Django admin; an instructor reads a course's roster and gradebook in the Wagtail
admin and exports the roster as CSV."""

import csv
import io

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services import assessment_create, attempt_submit
from content.models import ModulePage
from learning.models import Certificate, Enrollment, EnrollmentStatus
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue
from tests.browser import sign_in
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class TestAdminInTheBrowser:
    def test_admin_enrolls_a_learner_and_revokes_a_certificate(
        self, browser_page, live_server, home_page, make_course, admin_user
    ):
        course = make_course(title="Malware Analysis", price="120.00")
        learner = UserFactory(email="newcomer@example.org")
        graduate = UserFactory(email="graduate@example.org", first_name="Gia")
        done = enrollment_create(
            actor=admin_user, course_id=course.pk, user=graduate, source="admin"
        )
        Enrollment.objects.filter(pk=done.pk).update(
            status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
        )
        certificate = certificate_issue(enrollment_id=done.pk)
        base = live_server.url
        page = browser_page
        sign_in(page, base, admin_user.email, lands_on=None)

        # Enroll a learner in a paid course: no payment needed from an admin.
        page.goto(f"{base}/django-admin/learning/enrollment/")
        page.get_by_role("link", name="Enroll a learner").click()
        # The learner is searched as the admin types (the admin's autocomplete).
        page.locator("#id_user + .select2").click()
        page.locator(".select2-search__field").fill("newcomer")
        page.locator(
            ".select2-results__option", has_text="newcomer@example.org"
        ).click()
        page.locator("#id_course").select_option(str(course.pk))
        page.get_by_role("button", name="Enroll").click()
        expect(page.locator(".messagelist")).to_contain_text(
            "ewcomer@example.org is enrolled in Malware Analysis"
        )
        expect(page.locator("#result_list")).to_contain_text("newcomer@example.org")
        enrollment = Enrollment.objects.get(user=learner)
        assert enrollment.source == "admin"
        assert enrollment.status == EnrollmentStatus.ACTIVE

        # Revoke the graduate's certificate, with a reason.
        page.goto(f"{base}/django-admin/learning/certificate/")
        page.locator(
            f'input[name="_selected_action"][value="{certificate.pk}"]'
        ).check()
        page.locator('select[name="action"]').select_option("revoke_certificates")
        page.get_by_role("button", name="Go").click()
        page.get_by_label("Reason").fill("Plagiarised lab report.")
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator(".messagelist")).to_contain_text("1 certificate(s) done")
        expect(page.locator("#result_list")).to_contain_text("revoked")
        certificate = Certificate.objects.get(pk=certificate.pk)
        assert certificate.revoked_reason == "Plagiarised lab report."
        assert certificate.revoked_by_id == admin_user.pk
        revoked = [m for m in mail.outbox if "was revoked" in m.subject]
        assert len(revoked) == 1
        assert revoked[0].to == ["graduate@example.org"]
        assert "Plagiarised lab report." in revoked[0].body


class TestInstructorInTheBrowser:
    def test_instructor_reads_the_roster_and_gradebook_and_exports_csv(
        self, browser_page, live_server, home_page, make_course, instructor
    ):
        course = make_course(title="Secure Coding")
        essay = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Injection essay",
            assessment_type="assignment",
            questions=[
                {"id": "e1", "type": "essay", "prompt": "Explain SQLi.", "points": 5}
            ],
            passing_score=50,
            max_attempts=2,
        )
        learner = UserFactory(email="coder@example.org", first_name="Cody")
        enrollment_create(actor=learner, course_id=course.pk)
        first = ModulePage.objects.child_of(course).order_by("path").first()
        module_progress_record(
            actor=learner, course_id=course.pk, module_id=first.pk, completed=True
        )
        attempt = attempt_submit(
            actor=learner, assessment_id=essay.pk, answers={"e1": "Quotes break it."}
        )
        base = live_server.url
        page = browser_page
        sign_in(page, base, instructor.email, lands_on=None)

        page.goto(f"{base}/cms/")
        page.get_by_role("link", name="Learners").first.click()
        row = page.locator(f'tr[data-course="{course.pk}"]')
        row.get_by_role("link", name="Roster").click()
        roster = page.locator("#roster")
        expect(roster).to_contain_text("coder@example.org")
        expect(
            roster.locator(f'td[data-module="{first.pk}"][data-state="completed"]')
        ).to_contain_text("done")

        with page.expect_download() as download:
            page.locator("#roster-csv").click()
        content = download.value.path().read_text()
        rows = list(csv.reader(io.StringIO(content)))
        line = dict(zip(rows[0], rows[1], strict=True))
        assert line["email"] == "coder@example.org"
        assert line["module: Intro"] == "completed"
        assert line["pending review: Injection essay"] == "1"

        page.get_by_role("link", name="Gradebook").click()
        gradebook = page.locator("#gradebook")
        expect(gradebook).to_contain_text("Injection essay")
        expect(gradebook).to_contain_text("Cody")
        gradebook.get_by_role("link", name="Grade essay").click()
        expect(page).to_have_url(f"{base}/cms/grading/{attempt.pk}/")
        expect(page.get_by_role("main")).to_contain_text("Quotes break it.")

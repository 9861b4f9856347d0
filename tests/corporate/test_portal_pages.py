"""The representative's portal (rendered pages) and the invitation link."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from corporate.models import Invitation, OrganizationMembership
from corporate.services import member_add_or_invite
from learning.models import Enrollment
from portal.accounts.models import User
from tests.portal.factories import PASSWORD

from .conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_browser(client, rep_a):
    client.force_login(rep_a)
    return client


def page(org, tail=""):
    return f"/organizations/{org.slug}/{tail}"


class TestPages:
    def test_index_goes_to_her_organization(self, rep_browser, acme):
        response = rep_browser.get("/organizations/")
        assert response.status_code == 302
        assert response["Location"] == page(acme)

    def test_dashboard_has_figures_and_a_chart(self, rep_browser, acme, course, seats):
        member = member_of(acme)
        from learning.services import enrollment_create

        enrollment_create(actor=member, course_id=course.pk)
        html = rep_browser.get(page(acme)).content.decode()
        assert "<svg" in html
        assert "series-enrolled" in html
        assert 'data-figure="members">1<' in html
        assert 'data-figure="seats">0 / 3<' in html

    @pytest.mark.parametrize(
        "tail",
        [
            "",
            "members/",
            "seats/",
            "invitations/",
            "upload/",
            "reports/",
            "reports/progress.xlsx",
        ],
    )
    def test_other_organizations_rep_gets_404(self, client, acme, rep_b, tail):
        client.force_login(rep_b)
        assert client.get(page(acme, tail)).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client, acme):
        response = client.get(page(acme))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_members_filter_invite_and_remove(
        self, rep_browser, acme, django_capture_on_commit_callbacks
    ):
        member = member_of(acme, email="walt@example.org")
        html = rep_browser.get(page(acme, "members/?q=walt")).content.decode()
        assert "walt@example.org" in html
        with django_capture_on_commit_callbacks(execute=True):
            rep_browser.post(page(acme, "members/"), {"email": "new@example.org"})
        assert len(mail.outbox) == 1
        rep_browser.post(page(acme, "members/"), {"remove": member.pk})
        assert OrganizationMembership.objects.get(user=member).left_at is not None

    def test_seats_page(self, rep_browser, acme, seats):
        html = rep_browser.get(page(acme, "seats/")).content.decode()
        assert seats.course.title in html

    def test_upload_runs_a_job_and_shows_rows(
        self, rep_browser, acme, course, seats, django_capture_on_commit_callbacks
    ):
        member = member_of(acme)
        upload = SimpleUploadedFile(
            "people.csv",
            f"email\r\n{member.email}\r\nbad\r\n".encode(),
            content_type="text/csv",
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = rep_browser.post(
                page(acme, "upload/"), {"file": upload, "course_id": course.pk}
            )
        assert response.status_code == 302
        html = rep_browser.get(response["Location"]).content.decode()
        assert 'data-outcome="enrolled"' in html
        assert 'data-outcome="invalid"' in html

    def test_malformed_upload_shows_the_error(self, rep_browser, acme, course, seats):
        upload = SimpleUploadedFile("x.csv", b"name\r\nPat\r\n")
        response = rep_browser.post(
            page(acme, "upload/"), {"file": upload, "course_id": course.pk}
        )
        assert response.status_code == 200
        assert "upload-error" in response.content.decode()

    def test_xlsx_download(self, rep_browser, acme, course, seats):
        from learning.services import enrollment_create

        enrollment_create(actor=member_of(acme), course_id=course.pk)
        response = rep_browser.get(page(acme, "reports/progress.xlsx"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 2


class TestInvitationLink:
    def _invite(self, acme, rep_a, course, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            member_add_or_invite(
                actor=rep_a, organization=acme, email="ivy@example.org", course=course
            )
        body = mail.outbox[-1].body
        return body[body.index("/join/") :].split()[0]

    def test_creates_an_account_joins_and_takes_a_seat(
        self, client, acme, rep_a, course, seats, django_capture_on_commit_callbacks
    ):
        path = self._invite(acme, rep_a, course, django_capture_on_commit_callbacks)
        assert client.get(path).status_code == 200
        response = client.post(path, {"password": PASSWORD, "first_name": "Ivy"})
        assert response.status_code == 302
        ivy = User.objects.get(email="ivy@example.org")
        assert OrganizationMembership.objects.current().filter(user=ivy).exists()
        assert Enrollment.objects.filter(user=ivy, course=course).exists()
        assert Invitation.objects.get().accepted_by == ivy
        assert client.get(path).status_code == 404  # used

    def test_signed_in_person_attaches_her_account(
        self, client, acme, rep_a, course, seats, django_capture_on_commit_callbacks
    ):
        path = self._invite(acme, rep_a, course, django_capture_on_commit_callbacks)
        from tests.portal.factories import UserFactory

        someone = UserFactory()
        client.force_login(someone)
        client.post(path)
        assert OrganizationMembership.objects.current().filter(user=someone).exists()

    def test_forged_link_is_404(self, client):
        assert client.get("/join/not-a-token/").status_code == 404

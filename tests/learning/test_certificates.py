"""Certificates: the PDF, verification and who may see what."""

import io
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from content.models import ModulePage
from corporate.models import Organization, OrganizationMembership
from corporate.services import organization_member_add
from learning.models import Certificate
from learning.services import enrollment_create, mentor_assign, module_progress_record
from learning.services.certificates import (
    _verification_hash,
    certificate_issue,
    certificate_revoke,
    verification_url,
)
from portal.accounts.models import Role
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(course, django_capture_on_commit_callbacks):
    holder = UserFactory(first_name="Łukasz", last_name="Żółć")
    enrollment_create(actor=holder, course_id=course.pk)
    with django_capture_on_commit_callbacks(execute=True):
        for module in ModulePage.objects.child_of(course).live():
            module_progress_record(
                actor=holder, course_id=course.pk, module_id=module.pk, completed=True
            )
    return Certificate.objects.get(user=holder)


def download(client, certificate):
    return client.get(f"/api/v1/certificates/{certificate.pk}/download")


def verify(certificate_id, **body):
    return APIClient().post(
        f"/api/v1/certificates/{certificate_id}/verify", body, format="json"
    )


class TestIssue:
    def test_fields_are_frozen_and_the_hash_is_not_guessable(self, certificate, course):
        assert certificate.holder_name == "Łukasz Żółć"
        assert certificate.course_title == course.title
        assert certificate.number.startswith("WCH-")
        assert len(certificate.verification_hash) == 64
        assert certificate.expires_at is None

    def test_the_hash_is_keyed_with_the_server_secret(self, certificate, settings):
        args = (
            certificate.number,
            certificate.user_id,
            certificate.course_id,
            certificate.issued_at,
        )
        assert _verification_hash(*args) == certificate.verification_hash
        settings.SECRET_KEY = "another-secret-key-entirely-different-0123456789"
        assert _verification_hash(*args) != certificate.verification_hash

    def test_issuing_again_returns_the_same_certificate(self, certificate):
        again = certificate_issue(enrollment_id=certificate.enrollment_id)
        assert again.pk == certificate.pk

    def test_validity_period_from_the_course(
        self, make_course, django_capture_on_commit_callbacks
    ):
        course = make_course(title="Expiring", certificate_validity_days=365)
        holder = UserFactory()
        enrollment_create(actor=holder, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            for module in ModulePage.objects.child_of(course).live():
                module_progress_record(
                    actor=holder,
                    course_id=course.pk,
                    module_id=module.pk,
                    completed=True,
                )
        cert = Certificate.objects.get(user=holder)
        assert cert.expires_at - cert.issued_at == timedelta(days=365)


class TestPDF:
    def test_a_real_pdf_with_name_number_and_qr(self, certificate, api_client):
        signed_in(api_client, certificate.user)
        response = download(api_client, certificate)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        content = b"".join(response.streaming_content)
        assert content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(content))
        page = reader.pages[0]
        assert page.mediabox.width > page.mediabox.height  # landscape
        text = page.extract_text()
        assert "Łukasz Żółć" in text
        assert certificate.number in text
        assert certificate.course_title in text
        fonts = page["/Resources"]["/Font"]
        base_fonts = {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}
        assert any("DejaVu" in name for name in base_fonts), base_fonts
        image = pypdfium2.PdfDocument(content)[0].render(scale=3).to_pil()
        codes = zxingcpp.read_barcodes(image)
        assert [c.text for c in codes] == [verification_url(certificate=certificate)]


class TestVerify:
    def test_valid_by_number_and_by_hash(self, certificate):
        for body in (
            {"certificate_number": certificate.number},
            {"verification_hash": certificate.verification_hash},
        ):
            data = verify(certificate.pk, **body).json()["data"]
            assert data["valid"] is True
            assert data["holder_name"] == "Łukasz Żółć"
            assert data["revoked"] is False

    def test_forged_values_reveal_nothing(self, certificate):
        for body in (
            {"certificate_number": "WCH-2026-AAAA-BBBB"},
            {"verification_hash": "0" * 64},
            {"verification_hash": certificate.verification_hash[:-1] + "x"},
        ):
            response = verify(certificate.pk, **body)
            assert response.status_code == 200
            assert response.json()["data"] == {"valid": False}
        # A real number against another id is forged too.
        assert verify(
            certificate.pk + 1000, certificate_number=certificate.number
        ).json()["data"] == {"valid": False}

    def test_empty_body_is_400(self, certificate):
        assert verify(certificate.pk).status_code == 400

    def test_revoked(self, certificate, admin_user):
        certificate_revoke(certificate=certificate, actor=admin_user, reason="Fraud")
        data = verify(certificate.pk, certificate_number=certificate.number).json()[
            "data"
        ]
        assert data["valid"] is False
        assert data["revoked"] is True

    def test_expired(self, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        data = verify(certificate.pk, certificate_number=certificate.number).json()[
            "data"
        ]
        assert data["valid"] is False
        assert data["expired"] is True

    def test_public_page(self, client, certificate, admin_user, home_page):
        page = client.get(f"/certificates/verify/{certificate.number}/")
        assert page.status_code == 200
        assert "Valid." in page.content.decode()
        assert "Łukasz Żółć" in page.content.decode()
        certificate_revoke(certificate=certificate, actor=admin_user, reason="Fraud")
        assert (
            "Revoked."
            in client.get(
                f"/certificates/verify/{certificate.number}/"
            ).content.decode()
        )
        unknown = client.get("/certificates/verify/WCH-2000-NOPE-NOPE/")
        assert unknown.status_code == 404
        assert "Łukasz" not in unknown.content.decode()

    def test_revoke_api_is_admin_only(self, api_client, certificate, admin_user):
        signed_in(api_client, certificate.user)
        url = f"/api/v1/certificates/{certificate.pk}/revoke"
        assert api_client.post(url, {"reason": "x"}, format="json").status_code == 403
        signed_in(api_client, admin_user)
        response = api_client.post(url, {"reason": "Plagiarism"}, format="json")
        assert response.status_code == 200
        assert response.json()["data"]["revoked"] is True


class TestAccess:
    def test_holder_and_admin(self, api_client, certificate, admin_user):
        signed_in(api_client, certificate.user)
        assert (
            api_client.get(f"/api/v1/certificates/{certificate.pk}").status_code == 200
        )
        signed_in(api_client, admin_user)
        assert (
            api_client.get(f"/api/v1/certificates/{certificate.pk}").status_code == 200
        )
        assert download(api_client, certificate).status_code == 200

    def test_another_learner_gets_404(self, api_client, certificate):
        signed_in(api_client, UserFactory())
        assert (
            api_client.get(f"/api/v1/certificates/{certificate.pk}").status_code == 404
        )
        assert download(api_client, certificate).status_code == 404
        holder = certificate.user_id
        assert api_client.get(f"/api/v1/users/{holder}/certificates").status_code == 404
        assert api_client.get(f"/api/v1/users/{holder}/courses").status_code == 404

    def test_corporate_rep_sees_but_cannot_download(self, api_client, certificate):
        org = Organization.objects.create(name="Acme", slug="acme")
        rep = UserFactory(role=Role.CORPORATE_REP)
        organization_member_add(organization=org, user=certificate.user)
        organization_member_add(
            organization=org, user=rep, role=OrganizationMembership.Role.REPRESENTATIVE
        )
        signed_in(api_client, rep)
        assert (
            api_client.get(f"/api/v1/certificates/{certificate.pk}").status_code == 200
        )
        assert download(api_client, certificate).status_code == 403
        listing = api_client.get(
            f"/api/v1/users/{certificate.user_id}/certificates"
        ).json()
        assert [c["id"] for c in listing["data"]] == [certificate.pk]

    def test_rep_of_another_organization_gets_404(self, api_client, certificate):
        other = Organization.objects.create(name="Globex", slug="globex")
        rep = UserFactory(role=Role.CORPORATE_REP)
        organization_member_add(
            organization=other,
            user=rep,
            role=OrganizationMembership.Role.REPRESENTATIVE,
        )
        signed_in(api_client, rep)
        assert (
            api_client.get(f"/api/v1/certificates/{certificate.pk}").status_code == 404
        )

    def test_mentor_lists_but_not_by_id(self, api_client, certificate):
        mentor = UserFactory(role=Role.MENTOR)
        mentor_assign(mentor=mentor, mentee=certificate.user)
        signed_in(api_client, mentor)
        listing = api_client.get(f"/api/v1/users/{certificate.user_id}/certificates")
        assert listing.status_code == 200
        assert download(api_client, certificate).status_code == 404


class TestMyCourses:
    def test_lists_enrollments_with_progress(self, api_client, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, student)
        body = api_client.get("/api/v1/users/me/courses").json()
        assert body["meta"]["pagination"]["total"] == 1
        row = body["data"][0]
        assert row["course"]["id"] == course.pk
        assert {"progress_percentage", "completed_at", "last_accessed"} <= set(row)

    def test_query_count_does_not_grow(
        self, api_client, make_course, student, django_assert_max_num_queries
    ):
        signed_in(api_client, student)
        for i in range(2):
            enrollment_create(actor=student, course_id=make_course(title=f"C{i}").pk)
        with django_assert_max_num_queries(8) as few:
            api_client.get("/api/v1/users/me/courses")
        for i in range(2, 8):
            enrollment_create(actor=student, course_id=make_course(title=f"C{i}").pk)
        with django_assert_max_num_queries(len(few.captured_queries)):
            body = api_client.get("/api/v1/users/me/courses").json()
        assert body["meta"]["pagination"]["total"] == 8

"""A certificate template per course (logo, signatory, CE hours), edited on the
course page in Wagtail, and one issuer name on the PDF, the certificate page and
the public verify page."""

import io

import pytest
from pypdf import PdfReader
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from content.models import CoursePage, ModulePage
from learning.models import Certificate
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue, certificate_pdf
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "Veterans Cyber Academy"


@pytest.fixture
def templated_course(course):
    logo = Image.objects.create(title="Logo", file=get_test_image_file())
    CoursePage.objects.filter(pk=course.pk).update(
        certificate_logo=logo,
        certificate_signatory_name="Dr. Joan Clarke",
        certificate_signatory_title="Programme Director",
        certificate_ce_hours="12.5",
    )
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def certificate(templated_course, settings):
    settings.CERTIFICATE_ISSUER = ISSUER
    holder = UserFactory(first_name="Alan", last_name="Turing")
    enrollment_create(actor=holder, course_id=templated_course.pk)
    for module in ModulePage.objects.child_of(templated_course).live():
        module_progress_record(
            actor=holder,
            course_id=templated_course.pk,
            module_id=module.pk,
            completed=True,
        )
    enrollment = holder.enrollments.get()
    return certificate_issue(enrollment_id=enrollment.pk)


def test_the_pdf_carries_the_courses_template(certificate):
    content = certificate_pdf(certificate=certificate)
    page = PdfReader(io.BytesIO(content)).pages[0]
    text = page.extract_text()
    assert ISSUER in text
    assert "Alan Turing" in text
    assert "12.5 continuing-education (CE) hours" in text
    assert "Dr. Joan Clarke" in text
    assert "Programme Director" in text
    # The logo is drawn as an image.
    assert len(page.images) >= 1


def test_a_course_without_a_template_still_renders(course, settings):
    settings.CERTIFICATE_ISSUER = ISSUER
    holder = UserFactory(first_name="Ada", last_name="Byron")
    enrollment_create(actor=holder, course_id=course.pk)
    for module in ModulePage.objects.child_of(course).live():
        module_progress_record(
            actor=holder, course_id=course.pk, module_id=module.pk, completed=True
        )
    certificate = certificate_issue(enrollment_id=holder.enrollments.get().pk)
    text = (
        PdfReader(io.BytesIO(certificate_pdf(certificate=certificate)))
        .pages[0]
        .extract_text()
    )
    assert ISSUER in text
    # No continuing-education line. (Not "CE" anywhere: the random certificate
    # number in the verify line contains it now and then, e.g. WCH-2026-YMEA-QCEN.)
    assert "continuing-education" not in text
    assert "(CE)" not in text


def test_one_issuer_on_every_page(client, certificate, home_page, settings):
    settings.WAGTAIL_SITE_NAME = "Some Portal Name"
    verify = client.get(f"/certificates/verify/{certificate.number}/")
    html = verify.content.decode()
    assert f"issued by {ISSUER}" in html
    assert "issued by Some Portal Name" not in html
    assert "Dr. Joan Clarke, Programme Director" in html
    assert "12.5" in html
    client.force_login(certificate.user)
    detail = client.get(f"/learn/certificates/{certificate.pk}/").content.decode()
    assert ISSUER in detail
    assert Certificate.objects.count() == 1


def test_the_editor_shows_the_certificate_panel(client, templated_course, admin_user):
    client.force_login(admin_user)
    response = client.get(f"/cms/pages/{templated_course.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="certificate_signatory_name"' in html
    assert 'name="certificate_ce_hours"' in html
    assert 'name="certificate_logo"' in html

"""Documents in module bodies: served to whoever may read the module, and safely."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils.timezone import now
from wagtail.documents import get_document_model

from content.models import ModulePage
from content.services import course_publish
from learning.services import enrollment_cancel, enrollment_create
from portal.accounts.models import Role
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
Document = get_document_model()
PDF = b"%PDF-1.4\n% a tiny test document\n" * 20


def make_document(name="notes.pdf", content=PDF, *, owner=None, title="Notes"):
    return Document.objects.create(
        title=title, file=ContentFile(content, name=name), uploaded_by_user=owner
    )


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fetch(user, document, **headers):
    return web(user).get(document.url, headers=headers)


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def document(media_root, course_instructor):
    return make_document(owner=course_instructor)


@pytest.fixture
def course_with(course_factory, module_factory, course_admin):
    """``course_with(*documents, free_preview=False, publish=True)``: a course whose
    one module shows the documents."""

    def make(*documents, free_preview=False, publish=True, title="Docs course"):
        course = course_factory(title=title, publish=False)
        module = module_factory(
            course,
            title="Reading",
            kind="document",
            body=[{"type": "document", "value": doc.pk} for doc in documents],
        )
        if publish:
            course = course_publish(actor=course_admin, course=course)
        if free_preview:
            ModulePage.objects.filter(pk=module.pk).update(is_free_preview=True)
        return course

    return make


class TestWhoMayDownload:
    def test_enrolled_learner_gets_the_bytes(self, document, course_with):
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        response = fetch(learner, document)
        assert response.status_code == 200
        assert streamed(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="notes.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["Accept-Ranges"] == "bytes"

    def test_enrolled_learner_gets_byte_ranges(self, document, course_with):
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        response = fetch(learner, document, Range="bytes=0-3")
        assert response.status_code == 206
        assert streamed(response) == b"%PDF"
        assert response["Content-Range"] == f"bytes 0-3/{len(PDF)}"

    def test_nginx_mode_answers_with_accel_redirect(
        self, document, course_with, settings
    ):
        settings.MEDIA_ACCEL_REDIRECT = True
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        response = fetch(learner, document)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/protected/{document.file.name}"
        assert response.content == b""
        assert response["Content-Disposition"] == 'inline; filename="notes.pdf"'

    def test_outsiders_are_refused(
        self, document, course_with, other_instructor, learner
    ):
        course_with(document)
        assert fetch(learner, document).status_code == 404
        assert fetch(other_instructor, document).status_code == 404

    def test_anonymous_visitors_are_sent_to_sign_in(self, document, course_with):
        course_with(document)
        response = fetch(None, document)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/documents/")

    def test_cancelled_enrollment_loses_access(self, document, course_with):
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        assert fetch(learner, document).status_code == 200
        enrollment_cancel(enrollment=enrollment, actor=learner)
        assert fetch(learner, document).status_code == 404

    def test_instructor_and_admin(
        self, document, course_with, course_instructor, course_admin
    ):
        course_with(document)
        assert fetch(course_instructor, document).status_code == 200
        assert fetch(course_admin, document).status_code == 200

    def test_instructor_sees_documents_of_draft_modules_learners_do_not(
        self, media_root, course_with, course_instructor, course_admin
    ):
        # Uploaded by an admin, shown only in the instructor's unpublished course
        # (another instructor's upload is never shown: test_content_access.py).
        document = make_document(owner=course_admin)
        course = course_with(document, publish=False)
        learner = UserFactory(role=Role.STUDENT)
        from learning.models import Enrollment

        # Not through the service, which refuses unpublished courses.
        Enrollment.objects.create(user=learner, course=course, enrolled_at=now())
        assert fetch(course_instructor, document).status_code == 200
        assert fetch(learner, document).status_code == 404

    def test_free_preview_module_is_public(self, document, course_with, learner):
        course_with(document, free_preview=True)
        assert fetch(None, document).status_code == 200
        assert fetch(learner, document).status_code == 200

    def test_unpublished_module_stops_access(self, document, course_with, course_admin):
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        ModulePage.objects.child_of(course).get().unpublish(user=course_admin)
        assert fetch(learner, document).status_code == 404

    def test_staff_only_unattached_document(
        self, media_root, course_admin, course_instructor, learner, other_instructor
    ):
        document = make_document(owner=course_instructor)
        assert fetch(course_admin, document).status_code == 200
        assert fetch(course_instructor, document).status_code == 200  # uploader
        assert fetch(other_instructor, document).status_code == 404
        assert fetch(learner, document).status_code == 404
        assert fetch(None, document).status_code == 302

    def test_wrong_filename_in_the_url(self, document, course_admin):
        response = web(course_admin).get(f"/documents/{document.pk}/other.pdf")
        assert response.status_code == 404

    def test_access_check_queries_do_not_grow_with_modules(
        self,
        media_root,
        course_with,
        django_assert_max_num_queries,
        course_instructor,
    ):
        def queries_for(courses: int) -> int:
            document = make_document(owner=course_instructor)
            made = [course_with(document, title=f"C{i}") for i in range(courses)]
            learner = UserFactory(role=Role.STUDENT)
            enrollment_create(actor=learner, course_id=made[-1].pk)
            client = web(learner)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert client.get(document.url).status_code == 200
            return len(captured)

        assert queries_for(1) == queries_for(4)


class TestSafeResponses:
    @pytest.mark.parametrize(
        ("name", "content_type"),
        [
            ("page.html", "text/html"),
            ("logo.svg", "image/svg+xml"),
            ("feed.xml", "application/xml"),
            ("tool.exe", "application/octet-stream"),
        ],
    )
    def test_active_content_is_downloaded_not_shown(
        self, media_root, course_admin, name, content_type
    ):
        document = make_document(
            name, b"<script>alert(document.cookie)</script>", owner=course_admin
        )
        response = fetch(course_admin, document)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"].startswith(content_type) or (
            content_type == "application/octet-stream"
        )

    def test_images_and_text_show_inline_in_a_sandbox(self, media_root, course_admin):
        for name in ("photo.png", "readme.txt"):
            document = make_document(name, b"data", owner=course_admin)
            response = fetch(course_admin, document)
            assert response["Content-Disposition"].startswith("inline;")
            assert "sandbox" in response["Content-Security-Policy"]

    def test_nasty_filename_makes_a_safe_header(self, media_root, course_admin):
        document = make_document(owner=course_admin)
        # A name no upload form would produce, as another storage or a script might.
        nasty = 'documents/re"port\\ ;x=1 résumé.pdf'
        target = media_root / nasty
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(PDF)
        document.file.name = nasty
        document.save()
        response = fetch(course_admin, document)
        assert response.status_code == 200
        value = response["Content-Disposition"]
        assert value == (
            'inline; filename="report_ ;x=1 resume.pdf"; '
            "filename*=UTF-8''re%22port_%20%3Bx%3D1%20r%C3%A9sum%C3%A9.pdf"
        )
        assert streamed(response) == PDF

"""Documents and images with media on S3-compatible object storage (a real
SeaweedFS server, tests/s3.py). Documents: Django checks who may read the module,
then redirects to a short-lived presigned URL whose response carries the document's
type and disposition. Images (course thumbnails): renditions are made from the
bucket into the bucket and named by presigned URLs."""

import time

import pytest
from django.test import Client

from learning.services import enrollment_create
from portal.accounts.models import Role
from tests.content import test_documents
from tests.content.test_documents import PDF, make_document
from tests.portal.factories import UserFactory
from tests.s3 import http_get as fetch

pytestmark = pytest.mark.django_db
# ``course_with(*documents, free_preview=False)``: a course showing the documents.
course_with = test_documents.course_with


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def stored_document(s3_media, course_instructor):
    return make_document(owner=course_instructor)


class TestDocumentsInTheBucket:
    def test_enrolled_learner_is_redirected_to_the_bytes(
        self, stored_document, course_with, s3_media
    ):
        assert s3_media.keys("documents/") == [stored_document.file.name]
        course = course_with(stored_document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        response = web(learner).get(stored_document.url)
        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        location = response["Location"]
        assert location.startswith(s3_media.server.endpoint_url)
        status, headers, body = fetch(location)
        assert status == 200
        assert body == PDF
        assert headers["Content-Type"] == "application/pdf"
        assert headers["Content-Disposition"] == 'inline; filename="notes.pdf"'

    def test_types_that_could_run_script_download_as_attachments(
        self, s3_media, course_instructor, course_with
    ):
        document = make_document(
            "page.html", b"<script>alert(1)</script>", owner=course_instructor
        )
        course = course_with(document)
        learner = UserFactory(role=Role.STUDENT)
        enrollment_create(actor=learner, course_id=course.pk)
        response = web(learner).get(document.url)
        status, headers, _body = fetch(response["Location"])
        assert status == 200
        assert headers["Content-Disposition"].startswith("attachment;")

    def test_outsiders_get_no_url(
        self, stored_document, course_with, other_instructor, learner
    ):
        course_with(stored_document)
        assert web(learner).get(stored_document.url).status_code == 404
        assert web(other_instructor).get(stored_document.url).status_code == 404
        anonymous = web().get(stored_document.url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")

    def test_the_object_is_private_and_the_url_expires(
        self, stored_document, course_instructor, s3_media, settings
    ):
        settings.MEDIA_REDIRECT_URL_TTL = 1
        location = web(course_instructor).get(stored_document.url)["Location"]
        assert fetch(location.split("?", 1)[0])[0] == 403  # no public read
        assert fetch(location)[0] == 200
        time.sleep(2.5)
        assert fetch(location)[0] == 403


class TestImages:
    def test_thumbnail_rendition_is_made_in_the_bucket_and_presigned(
        self, s3_media, course_factory, client_as
    ):
        from wagtail_factories import ImageFactory

        image = ImageFactory(title="Thumbnail")
        assert s3_media.keys("original_images/") == [image.file.name]
        course = course_factory(title="Pictured", thumbnail=image)
        data = client_as(None).get(f"/api/v1/courses/{course.pk}").json()["data"]
        url = data["thumbnail_url"]
        assert url.startswith(s3_media.server.endpoint_url)
        assert "X-Amz-Signature=" in url
        assert len(s3_media.keys("images/")) == 1  # the rendition
        status, headers, body = fetch(url)
        assert status == 200
        assert headers["Content-Type"].startswith("image/")
        assert body
        assert fetch(url.split("?", 1)[0])[0] == 403

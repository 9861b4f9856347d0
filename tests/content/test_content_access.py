"""One rule for course content (``content.access``), seen from an attacker's side:
an instructor cannot reach another instructor's private document by naming it in
their own module, nor choose it, nor save a body showing it."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.models import ModulePage
from content.services import catalog_get
from learning.services import enrollment_create
from portal.accounts.models import Role

from .test_api_courses import error
from .test_api_modules import module_body, modules_url
from .test_documents import fetch, make_document
from .test_editor import add_url, course_of, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_users(home_page):
    """Two instructors and an admin who may open the Wagtail admin."""
    catalog_get()
    return (
        make_user(Role.INSTRUCTOR, first_name="Irene"),
        make_user(Role.INSTRUCTOR, first_name="Omar"),
        make_user(Role.ADMIN),
    )


@pytest.fixture
def secret(media_root, other_instructor):
    """Instructor A's private document."""
    return make_document(owner=other_instructor, title="A's secret")


def show(module, document, *, publish_by=None):
    """A body showing ``document`` saved as a crafted request would, past the
    editor's and the API's validation."""
    module.body = [("document", document)]
    revision = module.save_revision(user=module.owner)
    if publish_by is not None:
        revision.publish(user=publish_by)
    else:
        module.save()


class TestDocumentThroughAnotherCourse:
    def test_draft_module_does_not_open_it(
        self, secret, course_factory, module_factory, course_instructor
    ):
        course = course_factory(title="B's course", publish=False)
        module = module_factory(course, title="Sneaky", kind="document")
        show(module, secret)
        assert fetch(course_instructor, secret).status_code == 404

    def test_live_free_preview_does_not_open_it(
        self,
        secret,
        course_factory,
        module_factory,
        course_instructor,
        course_admin,
        other_instructor,
        learner,
    ):
        course = course_factory(title="B's course")
        module = module_factory(
            course, title="Sneaky", kind="document", is_free_preview=True
        )
        show(module, secret, publish_by=course_admin)
        assert ModulePage.objects.get(pk=module.pk).live
        enrollment_create(actor=learner, course_id=course.pk)

        assert fetch(course_instructor, secret).status_code == 404
        assert fetch(learner, secret).status_code == 404
        assert fetch(None, secret).status_code == 302  # sign in, not the bytes
        assert fetch(other_instructor, secret).status_code == 200  # the uploader
        assert fetch(course_admin, secret).status_code == 200

    def test_an_admins_upload_is_shown(
        self, media_root, course_factory, module_factory, course_admin, learner
    ):
        handout = make_document(owner=course_admin)
        course = course_factory(title="B's course")
        module = module_factory(course, title="Reading", kind="document")
        show(module, handout, publish_by=course_admin)
        enrollment_create(actor=learner, course_id=course.pk)
        assert fetch(learner, handout).status_code == 200


class TestSavingABodyWithIt:
    def test_api_refuses_it(self, secret, client_as, course_factory, course_instructor):
        course = course_factory(title="B's course", publish=False)
        body = [{"type": "document", "value": secret.pk}]
        response = client_as(course_instructor).post(
            modules_url(course), module_body(body=body), format="json"
        )
        first = error(response, 400, "VALIDATION_ERROR", "body")
        assert "uploaded by the course's instructor" in first["message"]
        assert not ModulePage.objects.child_of(course).exists()

    def test_api_accepts_own_document(
        self, media_root, client_as, course_factory, course_instructor
    ):
        course = course_factory(title="B's course", publish=False)
        own = make_document(owner=course_instructor)
        body = [{"type": "document", "value": own.pk}]
        response = client_as(course_instructor).post(
            modules_url(course), module_body(body=body), format="json"
        )
        assert response.status_code == 201, response.content

    def test_editor_refuses_it(self, client, media_root, editor_users):
        irene, omar, _ = editor_users
        secret = make_document(owner=irene, title="Irene's secret")
        course = course_of(omar)
        client.force_login(omar)

        def module_form(document):
            return nested_form_data(
                {
                    "title": "Reading",
                    "slug": "reading",
                    "description": "",
                    "kind": "document",
                    "duration": "5",
                    "body": streamfield(
                        [
                            ("rich_text", rich_text("<p>Read this.</p>")),
                            ("document", str(document.pk)),
                        ]
                    ),
                }
            )

        response = client.post(add_url(ModulePage, course), module_form(secret))
        assert response.status_code == 200
        assert "uploaded by the course&#x27;s instructor" in response.content.decode()
        assert not ModulePage.objects.child_of(course).exists()

        own = make_document(owner=omar, title="Omar's notes")
        response = client.post(add_url(ModulePage, course), module_form(own))
        assert response.status_code == 302
        assert ModulePage.objects.child_of(course).exists()


class TestDocumentChooser:
    def test_instructors_choose_only_their_own(self, client, media_root, editor_users):
        irene, omar, admin = editor_users
        make_document(owner=irene, title="Irene's secret")
        make_document(owner=omar, title="Omar's notes")
        url = reverse("wagtaildocs_chooser:choose")

        client.force_login(omar)
        page = client.get(url).content.decode()
        assert "Omar&#x27;s notes" in page
        assert "Irene" not in page

        client.force_login(admin)
        page = client.get(url).content.decode()
        assert "Omar&#x27;s notes" in page
        assert "Irene&#x27;s secret" in page

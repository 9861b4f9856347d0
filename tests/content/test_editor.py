"""Courses in the Wagtail editor: the page tree, what instructors may do in the
editor's own views, review and approval, and archival."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.models import Page, TaskState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    nested_form_data,
    rich_text,
    streamfield,
)

from content.models import CourseIndexPage, CoursePage, HomePage, ModulePage
from content.services import (
    catalog_get,
    course_archive,
    course_create,
    course_publish,
    course_submit,
    module_create,
)
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    def test_catalog_only_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(CourseIndexPage, CourseIndexPage)
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})

    def test_courses_only_in_the_catalog(self):
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})

    def test_modules_only_in_courses(self):
        self.assertCanCreateAt(CoursePage, ModulePage)
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, set())

    def test_under_the_home_page_editors_can_create_only_the_catalog(self):
        assert set(HomePage.creatable_subpage_models()) == {CourseIndexPage}


class TestDraftPreview(WagtailPageTestCase):
    """Authors see drafts only in the editor's preview, which renders the same
    templates."""

    def test_course_and_module_drafts_preview(self):
        catalog_get()
        instructor = make_user(Role.INSTRUCTOR)
        course = course_of(instructor)
        module = module_create(
            actor=instructor,
            course=course,
            data={
                "title": "Logs",
                "body": [{"type": "code", "value": {"language": "bash", "code": "w"}}],
            },
        )

        # StreamFields are built by JavaScript, so the form data is given.
        self.assertPageIsPreviewable(
            course, user=instructor, post_data=course_form(instructor)
        )
        self.assertPageIsPreviewable(module, user=instructor, post_data=module_form())
        self.client.force_login(instructor)
        preview = reverse("wagtailadmin_pages:preview_on_edit", args=[module.pk])
        self.client.post(preview, module_form("Reading the journal"))
        html = self.client.get(preview).content.decode()
        assert '<h1 id="module-title">Reading the journal</h1>' in html


# --- Helpers --------------------------------------------------------------------


def make_user(role: str, **kwargs):
    user = UserFactory(role=role, **kwargs)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def catalog(home_page):
    return catalog_get()


@pytest.fixture
def irene(catalog):
    return make_user(Role.INSTRUCTOR, first_name="Irene", last_name="Ortiz")


@pytest.fixture
def omar(catalog):
    return make_user(Role.INSTRUCTOR, first_name="Omar", last_name="Reyes")


@pytest.fixture
def admin(catalog):
    return make_user(Role.ADMIN, first_name="Ada", last_name="Admin")


def add_url(model, parent) -> str:
    return reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def course_form(instructor, title="Blue Team Basics", **overrides) -> dict:
    """The add/edit form as the editor posts it."""
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "description": rich_text("<p>Defend a small office network.</p>"),
            "instructor": str(instructor.pk),
            "category": "Network security",
            "difficulty_level": "beginner",
            "estimated_duration": "600",
            "price": "0",
            "capacity": "",
            "learning_outcomes": streamfield([("outcome", "Read firewall logs")]),
        }
    )
    data.update(overrides)
    return data


def module_form(title="Reading firewall logs") -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "description": "What a blocked connection looks like.",
            "kind": "lab",
            "duration": "45",
            "is_mandatory": "on",
            "body": streamfield(
                [("rich_text", rich_text("<p>Open the log viewer.</p>"))]
            ),
        }
    )


def course_of(instructor, title="Linux for Defenders") -> CoursePage:
    return course_create(
        actor=instructor,
        data={
            "title": title,
            "description": "Hands-on Linux for defenders.",
            "category": "Operating systems",
            "difficulty_level": "beginner",
            "estimated_duration": 90,
            "price": "0",
        },
    )


def fresh(page):
    return type(page).objects.get(pk=page.pk)


# --- Instructors in the editor -------------------------------------------------


class TestInstructorAuthoring:
    def test_instructor_creates_a_course_under_the_catalog(
        self, client, catalog, irene
    ):
        client.force_login(irene)

        form = client.get(add_url(CoursePage, catalog))
        assert form.status_code == 200
        html = form.content.decode()
        assert f'<option value="{irene.pk}" selected>' in html  # she teaches it

        response = client.post(add_url(CoursePage, catalog), course_form(irene))

        course = CoursePage.objects.get(slug="blue-team-basics")
        assert response.status_code == 302
        assert response["Location"] == edit_url(course)
        assert course.get_parent().pk == catalog.pk
        assert course.owner == irene
        assert course.instructor == irene
        assert course.status == "draft"
        assert not course.live
        assert course.revisions.count() == 1

    def test_instructor_cannot_name_someone_else_as_instructor(
        self, client, catalog, irene, omar
    ):
        client.force_login(irene)

        response = client.post(add_url(CoursePage, catalog), course_form(omar))

        assert response.status_code == 200  # the form again, with the error
        assert "instructor" in response.context["form"].errors
        assert not CoursePage.objects.filter(slug="blue-team-basics").exists()

    def test_instructor_cannot_create_a_course_outside_the_catalog(
        self, client, home_page, catalog, irene
    ):
        client.force_login(irene)

        response = client.get(add_url(CoursePage, home_page))

        assert response.status_code in (302, 403)

    def test_instructor_cannot_publish(self, client, catalog, irene):
        client.force_login(irene)

        client.post(
            add_url(CoursePage, catalog),
            course_form(irene, **{"action-publish": "action-publish"}),
        )
        course = CoursePage.objects.get(slug="blue-team-basics")
        assert not course.live

        edit = client.get(edit_url(course)).content.decode()
        assert 'name="action-publish"' not in edit
        client.post(
            edit_url(course),
            course_form(irene, **{"action-publish": "action-publish"}),
        )
        assert not fresh(course).live
        assert fresh(course).status == "draft"

    def test_instructor_edits_her_own_course_and_adds_modules(
        self, client, catalog, irene
    ):
        course = course_of(irene)
        client.force_login(irene)

        assert client.get(edit_url(course)).status_code == 200
        response = client.post(
            edit_url(course), course_form(irene, title="Linux for Blue Teams")
        )
        assert response.status_code == 302
        assert fresh(course).get_latest_revision_as_object().title == (
            "Linux for Blue Teams"
        )

        assert client.get(add_url(ModulePage, course)).status_code == 200
        response = client.post(add_url(ModulePage, course), module_form())
        assert response.status_code == 302
        module = ModulePage.objects.child_of(course).get()
        assert module.kind == "lab"
        assert not module.live
        assert client.get(edit_url(module)).status_code == 200

    def test_instructor_cannot_touch_another_instructors_course(
        self, client, catalog, irene, omar
    ):
        course = course_of(omar)
        client.force_login(irene)

        assert client.get(edit_url(course)).status_code in (302, 403)
        before = course.revisions.count()
        response = client.post(edit_url(course), course_form(irene, title="Mine now"))
        assert response.status_code in (302, 403)
        assert course.revisions.count() == before
        assert client.get(add_url(ModulePage, course)).status_code in (302, 403)
        response = client.post(add_url(ModulePage, course), module_form())
        assert response.status_code in (302, 403)
        assert not ModulePage.objects.child_of(course).exists()

    def test_students_cannot_open_the_editor(self, client, catalog):
        client.force_login(make_user(Role.STUDENT))

        response = client.get(add_url(CoursePage, catalog))

        # The editor's 403 page, not a redirect (which looped through sign-in).
        assert response.status_code == 403
        assert "Location" not in response
        assert "The editor is for instructors and administrators" in (
            response.content.decode()
        )


class TestReviewInTheEditor:
    def test_submit_then_an_admin_approves_and_it_goes_live(
        self, client, catalog, irene, admin
    ):
        course = course_of(irene)
        client.force_login(irene)

        response = client.post(
            edit_url(course),
            course_form(
                irene, title="Linux for Defenders", **{"action-submit": "Submit"}
            ),
        )

        assert response.status_code == 302
        course = fresh(course)
        assert course.status == "in_review"
        assert not course.live
        assert Client().get("/courses/linux-for-defenders/").status_code == 404

        client.force_login(admin)
        edit = client.get(edit_url(course)).content.decode()
        assert "Approve and Publish" in edit
        task_state = course.current_workflow_task_state
        response = client.post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[course.pk, "approve", task_state.pk],
            ),
            {"comment": "Looks good."},
        )

        assert response.status_code in (200, 302)
        course = fresh(course)
        assert course.live
        assert course.status == "published"
        assert task_state.__class__.objects.get(pk=task_state.pk).status == (
            TaskState.STATUS_APPROVED
        )
        html = Client().get("/courses/").content.decode()
        assert "Linux for Defenders" in html
        assert "Defend a small office network." in (
            Client().get(course.url).content.decode()
        )

    def test_instructor_cannot_approve_her_own_course(
        self, client, catalog, irene, admin
    ):
        course = course_submit(actor=irene, course=course_of(irene))
        client.force_login(irene)
        task_state = course.current_workflow_task_state

        client.post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[course.pk, "approve", task_state.pk],
            ),
            {"comment": ""},
        )

        assert not fresh(course).live
        assert fresh(course).status == "in_review"


# --- Archival -------------------------------------------------------------------


def archive_url(course) -> str:
    return reverse("content_course_archive", args=[course.pk])


def restore_url(course) -> str:
    return reverse("content_course_restore", args=[course.pk])


@pytest.fixture
def live_course(irene, admin):
    return course_publish(actor=admin, course=course_of(irene))


class TestArchiveInTheEditor:
    def test_owner_sees_the_action_confirms_and_archives(
        self, client, live_course, irene
    ):
        client.force_login(irene)

        edit = client.get(edit_url(live_course)).content.decode()
        assert archive_url(live_course) in edit
        assert "Archive course" in edit
        assert restore_url(live_course) not in edit

        confirm = client.get(archive_url(live_course))
        assert confirm.status_code == 200
        assert "Yes, archive it" in confirm.content.decode()
        assert fresh(live_course).archived_at is None  # GET changes nothing

        response = client.post(archive_url(live_course))

        assert response.status_code == 302
        assert response["Location"] == edit_url(live_course)
        course = fresh(live_course)
        assert course.status == "archived"
        assert course.live
        anonymous = Client()
        assert "Linux for Defenders" not in anonymous.get("/courses/").content.decode()
        assert "This course is archived." in (
            anonymous.get(course.url).content.decode()
        )

    def test_another_instructor_or_a_student_is_refused(
        self, client, live_course, omar
    ):
        client.force_login(omar)
        assert client.get(archive_url(live_course)).status_code == 403
        assert client.post(archive_url(live_course)).status_code == 403

        client.force_login(make_user(Role.STUDENT))
        assert client.post(archive_url(live_course)).status_code in (302, 403)

        client.logout()
        response = client.post(archive_url(live_course))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert fresh(live_course).archived_at is None

    def test_the_change_needs_a_csrf_token(self, live_course, irene):
        client = Client(enforce_csrf_checks=True)
        client.force_login(irene)

        assert client.post(archive_url(live_course)).status_code == 403
        assert fresh(live_course).archived_at is None

    def test_only_moderators_restore(self, client, live_course, irene, admin):
        course_archive(actor=irene, course=live_course)

        client.force_login(irene)
        edit = client.get(edit_url(live_course)).content.decode()
        assert "This course is archived" in edit
        assert restore_url(live_course) not in edit
        assert archive_url(live_course) not in edit
        assert client.post(restore_url(live_course)).status_code == 403
        assert fresh(live_course).status == "archived"

        client.force_login(admin)
        assert (
            restore_url(live_course)
            in client.get(edit_url(live_course)).content.decode()
        )
        assert client.get(restore_url(live_course)).status_code == 200
        response = client.post(restore_url(live_course))

        assert response.status_code == 302
        assert fresh(live_course).status == "published"
        assert "Linux for Defenders" in Client().get("/courses/").content.decode()

    def test_the_catalog_listing_shows_archived_and_in_review(
        self, client, catalog, live_course, irene, admin
    ):
        course_archive(actor=irene, course=live_course)
        course_submit(actor=irene, course=course_of(irene, "Cloud Security Basics"))
        client.force_login(admin)

        response = client.get(reverse("wagtailadmin_explore", args=[catalog.pk]))

        text = " ".join(strip_tags(response.content.decode()).split())
        assert "Current page status: archived" in text
        assert "Current page status: in moderation" in text

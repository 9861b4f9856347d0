"""Who may read a module's body on the rendered page: the outline (titles,
descriptions) is public like the catalog; the body is for enrolled learners, the
course's instructor and admins, and for anyone on a free-preview module."""

import pytest

from content.models import ModulePage
from learning.services import enrollment_cancel, enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.content.test_pages import published_course
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Pivot through the jump host with ssh -J"
LOCKED = "This module is for enrolled learners"


def staff(role):
    user = UserFactory(role=role)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def instructor(home_page):
    return staff(Role.INSTRUCTOR)


@pytest.fixture
def admin(home_page):
    return staff(Role.ADMIN)


@pytest.fixture
def course(instructor, admin):
    return published_course(
        instructor,
        admin,
        title="Lateral Movement",
        modules=[
            {
                "title": "Jump hosts",
                "description": "Reach the inner network.",
                "kind": "text",
                "body": [{"type": "rich_text", "value": f"<p>{SECRET}</p>"}],
            }
        ],
    )


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).get()


def page(client, module, user=None) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(module.url)
    assert response.status_code == 200
    return response.content.decode()


class TestModuleBodyAccess:
    def test_anonymous_visitor_sees_the_outline_and_a_sign_in_link(
        self, client, module
    ):
        html = page(client, module)
        assert SECRET not in html
        assert LOCKED in html
        assert "Jump hosts" in html
        assert "Reach the inner network." in html
        assert f'href="/accounts/login/?next={module.url}"' in html

    def test_signed_in_learner_who_is_not_enrolled_is_locked_out(
        self, client, module, course
    ):
        html = page(client, module, UserFactory())
        assert SECRET not in html
        assert LOCKED in html
        assert "See the course and enroll" in html
        assert 'class="module-progress"' not in html
        # The outline says which modules need an enrollment.
        assert '<span class="toc-note">for enrolled learners</span>' in html

    def test_enrolled_learner_reads_the_body(self, client, module, course):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        html = page(client, module, learner)
        assert SECRET in html
        assert LOCKED not in html
        assert "toc-note" not in html

    def test_leaving_the_course_locks_the_body_again(self, client, module, course):
        learner = UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        enrollment_cancel(enrollment=enrollment, actor=learner)
        html = page(client, module, learner)
        assert SECRET not in html
        assert LOCKED in html

    def test_another_instructor_is_locked_out(self, client, module):
        assert SECRET not in page(client, module, staff(Role.INSTRUCTOR))

    @pytest.mark.parametrize("who", ["instructor", "admin"])
    def test_course_staff_read_the_body(self, client, module, who, request):
        assert SECRET in page(client, module, request.getfixturevalue(who))

    def test_free_preview_module_is_open_to_anyone(self, client, module, admin):
        module.is_free_preview = True
        module.save_revision(user=admin).publish(user=admin)
        html = page(client, module)
        assert SECRET in html
        assert LOCKED not in html
        assert '<span class="toc-note">free preview</span>' in html
        # The course outline marks the preview.
        course_html = client.get(module.get_parent().url).content.decode()
        assert "Free preview" in course_html

"""The learner's way through the site: the home page's featured courses and next
step, prerequisites shown before enrolling, the course duration from its modules."""

import pytest

from content.models import ModulePage
from learning.services import enrollment_create, module_progress_record
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def live_modules(course):
    return list(ModulePage.objects.child_of(course).live().order_by("path"))


class TestHomePage:
    def test_visitors_see_featured_courses(self, client, home_page, course):
        html = client.get("/").content.decode()
        assert "Featured courses" in html
        assert course.title in html
        assert "Your next step" not in html

    def test_a_learner_sees_the_module_to_continue(
        self, client, home_page, course, student
    ):
        enrollment_create(actor=student, course_id=course.pk)
        first, second, _ = live_modules(course)
        module_progress_record(
            actor=student, course_id=course.pk, module_id=first.pk, completed=True
        )
        client.force_login(student)
        html = client.get("/").content.decode()
        assert "Your next step" in html
        assert f'href="{second.url}"' in html
        assert f"Continue with “{second.title}”" in html

    def test_another_learners_step_is_not_shown(
        self, client, home_page, course, student
    ):
        enrollment_create(actor=UserFactory(), course_id=course.pk)
        client.force_login(student)
        html = client.get("/").content.decode()
        assert "Continue with" not in html

    def test_the_query_count_does_not_grow_with_courses(
        self, client, home_page, make_course, student, django_assert_max_num_queries
    ):
        for n in range(4):
            course = make_course(title=f"Course {n}")
            enrollment_create(actor=student, course_id=course.pk)
        client.force_login(student)
        with django_assert_max_num_queries(30):
            assert client.get("/").status_code == 200


class TestCoursePage:
    def test_prerequisites_are_shown_before_enrolling(
        self, client, home_page, make_course, student
    ):
        basics = make_course(title="Basics")
        advanced = make_course(title="Advanced")
        advanced.prerequisites.add(basics)
        advanced.save_revision().publish()
        client.force_login(student)
        html = client.get(advanced.url).content.decode()
        assert "Complete these courses first:" in html
        assert 'Basics</a> <span class="muted">not completed yet' in html

    def test_the_duration_is_the_sum_of_the_modules(self, client, home_page, course):
        # Three modules of 10 minutes each, whatever the authored estimate says.
        html = client.get(course.url).content.decode()
        assert "30 min" in html

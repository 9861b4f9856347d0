import pytest

from content.models import CoursePage, ModulePage
from learning.services import enrollment_create, module_progress_record

pytestmark = pytest.mark.django_db


class TestDeleteRefusal:
    def test_course_with_enrollments_cannot_be_deleted_in_the_editor(
        self, client, course, student, admin_user
    ):
        enrollment_create(actor=student, course_id=course.pk)
        client.force_login(admin_user)
        response = client.post(f"/cms/pages/{course.pk}/delete/", follow=True)
        assert CoursePage.objects.filter(pk=course.pk).exists()
        assert "Archive the course instead" in response.content.decode()

    def test_module_with_progress_cannot_be_deleted(
        self, client, course, student, admin_user
    ):
        module = ModulePage.objects.child_of(course).first()
        enrollment_create(actor=student, course_id=course.pk)
        module_progress_record(
            actor=student, course_id=course.pk, module_id=module.pk, time_spent=5
        )
        client.force_login(admin_user)
        client.post(f"/cms/pages/{module.pk}/delete/")
        assert ModulePage.objects.filter(pk=module.pk).exists()

    def test_course_without_learners_can_be_deleted(
        self, client, make_course, admin_user
    ):
        course = make_course(title="Unused")
        client.force_login(admin_user)
        client.post(f"/cms/pages/{course.pk}/delete/")
        assert not CoursePage.objects.filter(pk=course.pk).exists()

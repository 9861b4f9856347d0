"""Tagging in the Wagtail editor: a searchable statement chooser (no typed ids), module
and question tags scoped to the courses the instructor teaches, a course's primary
work role."""

import pytest
from django.urls import reverse

from assessments.skills.models import QuestionStatementTag
from content.models import ModulePage
from learning.skills.models import CourseWorkRole, ModuleStatementTag, WorkRole
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_instructor(db):
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


class TestStatementChooser:
    def test_searches_by_words_and_by_id(self, client, admin_user, framework):
        client.force_login(admin_user)
        url = reverse("nice_statement_chooser:choose_results")
        html = client.get(url, {"q": "K9002"}).content.decode()
        assert "K9002" in html
        assert "T9001" not in html
        html = client.get(url, {"kind": "task"}).content.decode()
        assert "T9001" in html
        assert "K9001" not in html

    def test_students_cannot_open_the_admin(self, client, framework):
        client.force_login(UserFactory())
        response = client.get(reverse("nice_statement_chooser:choose"))
        assert response.status_code in (302, 403)


class TestModuleTags:
    def test_an_instructor_tags_a_module_of_her_course(
        self, client, instructor, course, framework
    ):
        module = ModulePage.objects.child_of(course).first()
        client.force_login(instructor)
        response = client.post(
            reverse("nice_module_tags:add"),
            {
                "module": module.pk,
                "statement": framework["T9001"].pk,
                "purpose": "assesses",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        tag = ModuleStatementTag.objects.get()
        assert (tag.module_id, tag.purpose) == (module.pk, "assesses")
        assert AuditLog.objects.filter(action="skills.module_tagged").exists()
        listing = client.get(reverse("nice_module_tags:index")).content.decode()
        assert "T9001" in listing

    def test_not_on_someone_elses_course(
        self, client, other_instructor, course, framework, instructor
    ):
        module = ModulePage.objects.child_of(course).first()
        client.force_login(other_instructor)
        response = client.post(
            reverse("nice_module_tags:add"),
            {
                "module": module.pk,
                "statement": framework["T9001"].pk,
                "purpose": "teaches",
            },
        )
        assert response.status_code == 200  # the form again, with the error
        assert not ModuleStatementTag.objects.exists()
        # Nor edit one that exists.
        from learning.skills.services import module_tag_set

        tag = module_tag_set(
            actor=instructor, module=module, statement=framework["T9001"]
        )
        edit = client.get(reverse("nice_module_tags:edit", args=[tag.pk]))
        assert edit.status_code in (302, 403, 404)
        listing = client.get(reverse("nice_module_tags:index")).content.decode()
        assert "T9001" not in listing


class TestQuestionTags:
    def test_questions_of_own_assessments_only(
        self, client, instructor, other_instructor, tagged_course, framework
    ):
        quiz = tagged_course["quiz"]
        client.force_login(instructor)
        response = client.post(
            reverse("nice_question_tags:add"),
            {
                "assessment": quiz.pk,
                "question_id": f"{quiz.pk}:q3",
                "statement": framework["T9002"].pk,
                "purpose": "assesses",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert QuestionStatementTag.objects.filter(
            question_id="q3", statement=framework["T9002"]
        ).exists()
        client.force_login(other_instructor)
        response = client.post(
            reverse("nice_question_tags:add"),
            {
                "assessment": quiz.pk,
                "question_id": f"{quiz.pk}:q1",
                "statement": framework["S9001"].pk,
                "purpose": "assesses",
            },
        )
        assert response.status_code == 200
        assert not QuestionStatementTag.objects.filter(
            statement=framework["S9001"], question_id="q1"
        ).exists()


class TestCourseRole:
    def test_the_primary_role_is_set_by_a_person(
        self, client, instructor, course, framework
    ):
        client.force_login(instructor)
        role = WorkRole.objects.get(nice_id="PD-WRL-901")
        response = client.post(
            reverse("nice_course_roles:add"),
            {"course": course.pk, "work_role": role.pk},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        primary = CourseWorkRole.objects.get()
        assert (primary.work_role, primary.set_by) == (role, instructor)
        assert AuditLog.objects.filter(action="skills.course_primary_role_set").exists()

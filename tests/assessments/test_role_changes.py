"""An instructor who is demoted or deactivated keeps ``course.instructor`` pointing
at them; from the attacker's side, nothing of their old courses is theirs any more
(issue 13, finding 4)."""

import pytest
from django.test import Client

from assessments.services import attempt_submit
from content.access import is_course_manager
from content.services import course_archive, module_create
from portal.accounts.models import Role
from portal.accounts.services import user_update
from portal.errors import PermissionDenied
from tests.portal.auth_helpers import signed_in

from .conftest import QUESTIONS

pytestmark = pytest.mark.django_db

ESSAY = [{"id": "e1", "type": "essay", "prompt": "Explain TLS.", "points": 5}]
GRADE = {"grades": {"e1": {"points": 5}}}


@pytest.fixture
def essay_attempt(make_assessment, learner):
    assessment = make_assessment(questions=ESSAY)
    return attempt_submit(
        actor=learner, assessment_id=assessment.pk, answers={"e1": "Handshake."}
    )


@pytest.fixture
def demoted(api_client, admin_user, instructor, course, essay_attempt):
    """The course's instructor, demoted to student by an admin (the real service),
    then signed in again with the new role."""
    user_update(actor=admin_user, user=instructor, data={"role": Role.STUDENT})
    signed_in(api_client, instructor)
    return api_client


class TestDemotedInstructor:
    def test_cannot_edit_or_archive_the_old_course(self, demoted, course):
        url = f"/api/v1/courses/{course.pk}"
        assert demoted.patch(url, {"title": "Mine"}, format="json").status_code == 403
        assert demoted.delete(url).status_code == 403
        course.refresh_from_db()
        assert course.title != "Mine"
        assert course.archived_at is None

    def test_cannot_add_a_module_or_an_assessment(self, demoted, course):
        module = {"title": "Backdoor", "kind": "text", "duration": 5}
        url = f"/api/v1/courses/{course.pk}/modules"
        assert demoted.post(url, module, format="json").status_code == 403
        assessment = {
            "title": "Mine",
            "assessment_type": "quiz",
            "questions": QUESTIONS,
            "passing_score": 70,
        }
        url = f"/api/v1/courses/{course.pk}/assessments"
        assert demoted.post(url, assessment, format="json").status_code == 403

    def test_cannot_grade(self, demoted, course, essay_attempt):
        url = f"/api/v1/attempts/{essay_attempt.pk}/grade"
        assert demoted.post(url, GRADE, format="json").status_code in (403, 404)
        queue = demoted.get(f"/api/v1/grading/queue?course_id={course.pk}")
        assert queue.status_code == 403
        assert demoted.get(f"/api/v1/attempts/{essay_attempt.pk}").status_code == 404

    def test_sees_no_analytics_and_no_learners(self, demoted, course, learner):
        analytics = demoted.get(f"/api/v1/analytics/courses/{course.pk}")
        assert analytics.status_code == 403
        progress = demoted.get(f"/api/v1/courses/{course.pk}/progress")
        assert learner.email not in progress.content.decode()

    def test_cannot_open_the_old_course_in_the_editor(self, instructor, course):
        # A raw save (as the Django admin's form does): the editor group may remain,
        # the page permission testers still refuse.
        instructor.role = Role.STUDENT
        instructor.save()
        tester = course.permissions_for_user(instructor)
        assert not tester.can_add_subpage()
        module = course.get_children().first().specific
        assert not module.permissions_for_user(instructor).can_edit()
        client = Client()
        client.force_login(instructor)
        response = client.get(f"/cms/pages/{course.pk}/edit/")
        assert response.status_code in (302, 403, 404)


class TestDeactivatedInstructor:
    def test_manages_nothing(self, admin_user, instructor, course):
        user_update(actor=admin_user, user=instructor, data={"is_active": False})
        assert not is_course_manager(user=instructor, course=course)
        with pytest.raises(PermissionDenied):
            course_archive(actor=instructor, course=course)
        with pytest.raises(PermissionDenied):
            module_create(
                actor=instructor,
                course=course,
                data={"title": "Backdoor", "kind": "text", "duration": 5},
            )

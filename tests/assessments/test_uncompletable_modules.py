"""The editor warns when a module completed by an assessment (``pass``) or by flags
(``flag``) has nothing that could complete it: learners could never finish it."""

import pytest

from assessments.services import assessment_create, assessment_retire
from content.services import module_create
from tests.assessments.conftest import FLAG, QUESTIONS

pytestmark = pytest.mark.django_db

WARNING = "No assessment completes"


def edit_page(client, page) -> str:
    response = client.get(f"/cms/pages/{page.pk}/edit/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def quiz_module(course, instructor):
    return module_create(
        actor=instructor,
        course=course,
        data={"title": "Quiz time", "kind": "interactive", "completion": "pass"},
    )


@pytest.fixture
def lab_module(course, instructor):
    return module_create(
        actor=instructor,
        course=course,
        data={"title": "Capture it", "kind": "lab", "completion": "flag"},
    )


def test_module_and_course_warn_until_an_assessment_completes_it(
    client, course, instructor, quiz_module
):
    client.force_login(instructor)
    assert WARNING in edit_page(client, quiz_module)
    course_html = edit_page(client, course)
    assert WARNING in course_html
    assert "Quiz time" in course_html

    # A quiz that is not required completes nothing: still warned.
    assessment_create(
        actor=instructor,
        course_id=course.pk,
        module_id=quiz_module.pk,
        title="Practice",
        assessment_type="quiz",
        questions=QUESTIONS[:1],
        passing_score=70,
    )
    assert WARNING in edit_page(client, quiz_module)

    required = assessment_create(
        actor=instructor,
        course_id=course.pk,
        module_id=quiz_module.pk,
        title="Checkpoint",
        assessment_type="quiz",
        questions=QUESTIONS[:1],
        passing_score=70,
        required_for_completion=True,
    )
    assert WARNING not in edit_page(client, quiz_module)
    assert WARNING not in edit_page(client, course)

    # Retiring the only required assessment brings the warning back.
    assessment_retire(actor=instructor, assessment_id=required.pk)
    assert WARNING in edit_page(client, quiz_module)


def test_a_flag_lab_completes_a_lab_module(client, course, instructor, lab_module):
    client.force_login(instructor)
    assert WARNING in edit_page(client, lab_module)
    assessment_create(
        actor=instructor,
        course_id=course.pk,
        module_id=lab_module.pk,
        title="The lab",
        assessment_type="lab",
        questions=[{"id": "f1", "type": "flag", "prompt": "Flag?", "correct": FLAG}],
        passing_score=100,
    )
    assert WARNING not in edit_page(client, lab_module)


def test_modules_completed_by_hand_are_not_warned_about(client, course, instructor):
    client.force_login(instructor)
    # The course fixture's modules are text modules (``view``).
    assert WARNING not in edit_page(client, course)

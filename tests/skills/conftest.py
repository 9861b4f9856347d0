"""A hand-made small NICE framework, courses tagged against it and a learner with
attempts, so that coverage can be checked by hand."""

import pytest

from assessments.services import assessment_create, attempt_submit
from assessments.skills.services import question_tag_set
from content.models import ModulePage
from learning.services import enrollment_create
from learning.skills.models import (
    Category,
    FrameworkVersion,
    Statement,
    StatementKind,
    WorkRole,
    WorkRoleStatement,
)
from learning.skills.services import module_tag_set
from tests.learning import conftest as learning_fixtures
from tests.portal.factories import UserFactory

admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor
make_course = learning_fixtures.make_course
course = learning_fixtures.course
student = learning_fixtures.student

FLAG = "FLAG{small-framework}"
# Role A: 2 tasks, 1 knowledge, 1 skill. Role B: 1 task (shared), 1 knowledge.
ROLES = {
    "PD-WRL-901": ("Role A", ["T9001", "T9002", "K9001", "S9001"]),
    "PD-WRL-902": ("Role B", ["T9002", "K9002"]),
}
KINDS = {
    "T": StatementKind.TASK,
    "K": StatementKind.KNOWLEDGE,
    "S": StatementKind.SKILL,
}
QUIZ = [
    {"id": "q1", "type": "true_false", "prompt": "One?", "correct": True},
    {"id": "q2", "type": "true_false", "prompt": "Two?", "correct": True},
    {"id": "q3", "type": "true_false", "prompt": "Three?", "correct": True},
]
LAB = [{"id": "f1", "type": "flag", "prompt": "The flag", "correct": FLAG}]


@pytest.fixture
def framework(db):
    version = FrameworkVersion.objects.create(
        version="9.9.9", document="test", source_file="test", sha256="0", current=True
    )
    category = Category.objects.create(framework=version, nice_id="PD", title="PD")
    statements = {
        nice_id: Statement.objects.create(
            framework=version, nice_id=nice_id, kind=KINDS[nice_id[0]], text=nice_id
        )
        for nice_id in {s for _t, ids in ROLES.values() for s in ids}
    }
    for role_id, (title, ids) in ROLES.items():
        role = WorkRole.objects.create(
            framework=version, category=category, nice_id=role_id, title=title
        )
        for nice_id in ids:
            WorkRoleStatement.objects.create(
                work_role=role, statement=statements[nice_id]
            )
    return statements


@pytest.fixture
def tagged_course(framework, course, instructor):
    """A quiz (q1→T9001, q2→K9001, q3→K9002) and a lab (f1→S9001) in ``course``."""
    quiz = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Quiz",
        assessment_type="quiz",
        questions=QUIZ,
        passing_score=60,
        max_attempts=5,
    )
    lab = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Lab",
        assessment_type="lab",
        questions=LAB,
        passing_score=100,
        max_attempts=5,
    )
    for qid, nice_id in (("q1", "T9001"), ("q2", "K9001"), ("q3", "K9002")):
        question_tag_set(
            actor=instructor,
            assessment=quiz,
            question_id=qid,
            statement=framework[nice_id],
        )
    question_tag_set(
        actor=instructor, assessment=lab, question_id="f1", statement=framework["S9001"]
    )
    return {"course": course, "quiz": quiz, "lab": lab}


@pytest.fixture
def gap_course(framework, make_course, instructor):
    """Another course whose module teaches the missing task T9002."""
    other = make_course(title="Gap filler", modules=(("Only", True),))
    module = ModulePage.objects.child_of(other).first()
    module_tag_set(actor=instructor, module=module, statement=framework["T9002"])
    return other


@pytest.fixture
def learner_with_evidence(tagged_course):
    """Passed the quiz with q1, q2 right and q3 wrong; failed once before with only
    q3 right; captured the flag."""
    learner = UserFactory()
    enrollment_create(actor=learner, course_id=tagged_course["course"].pk)
    quiz = tagged_course["quiz"]
    attempt_submit(
        actor=learner,
        assessment_id=quiz.pk,
        answers={"q1": False, "q2": False, "q3": True},
    )
    attempt_submit(
        actor=learner,
        assessment_id=quiz.pk,
        answers={"q1": True, "q2": True, "q3": False},
    )
    attempt_submit(
        actor=learner, assessment_id=tagged_course["lab"].pk, answers={"f1": FLAG}
    )
    return learner

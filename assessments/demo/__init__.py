"""Demo assessments for ``make run`` (the ``DEMO_SEED`` answer, order 15: after the
catalog, before learner activity): a required quiz on most modules of the
walkthrough course and on every interactive module, flags on every lab, and the
walkthrough course's timed practice exam drawn from a question bank. The shortest
path to a certificate takes real answers (``bank`` holds them).

Idempotent: a module that already has an assessment is left as it is.
"""

from django.db import transaction

from content.models import CoursePage, ModuleKind, ModulePage
from portal.accounts.models import User
from portal.demo import DemoReport

from ..models import Assessment
from ..services import assessment_create
from .bank import (
    PRACTICE_EXAM,
    PRACTICE_EXAM_BANK,
    PRACTICE_EXAM_MODULE,
    QUIZZES,
    WALKTHROUGH_COURSE,
    lab_instructions,
    lab_questions,
)

INSTRUCTOR_EMAIL = "instructor@example.org"


def seed_assessments(report: DemoReport) -> None:
    instructor = User.objects.filter(email=INSTRUCTOR_EMAIL).first()
    if instructor is None:
        return
    created = 0
    courses = CoursePage.objects.filter(instructor=instructor).order_by("path")
    for course in courses:
        for module in ModulePage.objects.child_of(course).order_by("path"):
            created += _module_assessment_seed(instructor, course, module)
    if created:
        report.lines.append(
            f"Assessments: {created} quizzes, labs and exams (the practice exam of "
            f"“{WALKTHROUGH_COURSE}” is timed, 10 questions from a bank of "
            f"{len(PRACTICE_EXAM_BANK)})"
        )


@transaction.atomic
def _module_assessment_seed(
    instructor: User, course: CoursePage, module: ModulePage
) -> int:
    if Assessment.objects.filter(module=module).exists():
        return 0
    key = (course.title, module.title)
    common = {"actor": instructor, "course_id": course.pk, "module_id": module.pk}
    if key == PRACTICE_EXAM_MODULE:
        assessment_create(
            **common,
            title=f"{module.title}: {course.title}",
            assessment_type="exam",
            questions=PRACTICE_EXAM_BANK,
            required_for_completion=True,
            shuffle_questions=True,
            show_answers_after_submit=True,
            **PRACTICE_EXAM,
        )
        return 1
    if module.kind == ModuleKind.LAB:
        assessment_create(
            **common,
            title=module.title
            if module.title.startswith("Lab")
            else f"Lab: {module.title}",
            assessment_type="lab",
            questions=lab_questions(course.title, module.title),
            passing_score=100,
            max_attempts=20,
            lab_instructions=lab_instructions(course.title, module.title),
        )
        return 1
    if key in QUIZZES:
        assessment_create(
            **common,
            title=f"Quiz: {module.title}",
            assessment_type="quiz",
            questions=QUIZZES[key],
            passing_score=100,
            max_attempts=10,
            required_for_completion=True,
            show_answers_after_submit=True,
        )
        return 1
    return 0

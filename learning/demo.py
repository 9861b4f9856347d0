"""Demo learner activity: the demo student is partway through one course, and the
mentor and corporate rep have someone to look after."""

from content.models import CoursePage, ModulePage
from portal.accounts.models import User
from portal.demo import DemoReport

from .models import Enrollment, MentorAssignment
from .services import enrollment_create, mentor_assign, module_progress_record


def seed_learning(report: DemoReport) -> None:
    student = User.objects.filter(email="student@example.org").first()
    mentor = User.objects.filter(email="mentor@example.org").first()
    course = (
        CoursePage.objects.live()
        .filter(archived_at=None, price=0, capacity__isnull=True)
        .order_by("path")
        .first()
    )
    if student is None or course is None:
        return
    if not Enrollment.objects.filter(user=student, course=course).exists():
        enrollment_create(actor=student, course_id=course.pk)
        first = ModulePage.objects.child_of(course).live().first()
        if first is not None:
            # Watching the first module's video completes it (its rule).
            module_progress_record(
                actor=student,
                course_id=course.pk,
                module_id=first.pk,
                time_spent=900,
            )
    if (
        mentor is not None
        and not MentorAssignment.objects.filter(
            mentor=mentor, mentee=student, ended_at=None
        ).exists()
    ):
        mentor_assign(mentor=mentor, mentee=student)
    report.lines.append(
        f"Learner: student@example.org is enrolled in “{course.title}” (see /learn/)."
    )

"""Demo evidence for "My skills": a tagged quiz and a lab in the course the demo
student is enrolled in; the student passes the quiz with one wrong answer and
captures the flag, so the course's work role is partly covered."""

from assessments.models import Assessment, Attempt
from assessments.services import assessment_create, attempt_submit
from learning.models import Enrollment
from learning.skills.models import CourseWorkRole, StatementKind
from portal.accounts.models import User
from portal.demo import DemoReport

from .services import question_tag_set

QUIZ_TITLE = "Skills check: defensive fundamentals"
LAB_TITLE = "Lab: find the beacon"
DEMO_FLAG = "FLAG{demo-beacon-found}"

QUIZ = [
    {
        "id": "q1",
        "type": "single_choice",
        "prompt": "Which log shows failed SSH logins on Debian?",
        "choices": ["/var/log/auth.log", "/var/log/dpkg.log", "/var/log/boot.log"],
        "correct": 0,
    },
    {
        "id": "q2",
        "type": "true_false",
        "prompt": "An IDS blocks traffic by itself.",
        "correct": False,
    },
    {
        "id": "q3",
        "type": "short_answer",
        "prompt": "Name a tool that captures packets.",
        "correct": ["tcpdump", "wireshark"],
    },
    {
        "id": "q4",
        "type": "single_choice",
        "prompt": "Which port does HTTPS use by default?",
        "choices": ["80", "443", "8080"],
        "correct": 1,
    },
]
ANSWERS = {"q1": 0, "q2": False, "q3": "tcpdump", "q4": 0}  # q4 is wrong
LAB = [
    {"id": "flag1", "type": "flag", "prompt": "Submit the flag.", "correct": DEMO_FLAG}
]


def seed_assessment_skills(report: DemoReport) -> None:
    student = User.objects.filter(email="student@example.org").first()
    if student is None:
        return
    enrollment = (
        Enrollment.objects.active()
        .filter(user=student)
        .select_related("course")
        .order_by("pk")
        .first()
    )
    if enrollment is None:
        return
    course = enrollment.course
    primary = (
        CourseWorkRole.objects.filter(course=course).select_related("work_role").first()
    )
    if primary is None:
        return
    statements = sorted(
        primary.work_role.statements.all(), key=lambda s: (s.kind, s.nice_id)
    )
    tasks = [s for s in statements if s.kind == StatementKind.TASK]
    knowledge = [s for s in statements if s.kind == StatementKind.KNOWLEDGE]
    skills = [s for s in statements if s.kind == StatementKind.SKILL]
    instructor = course.instructor
    quiz = Assessment.objects.filter(course=course, title=QUIZ_TITLE).first()
    if quiz is None:
        quiz = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title=QUIZ_TITLE,
            assessment_type="quiz",
            questions=QUIZ,
            passing_score=70,
            max_attempts=3,
        )
        picks = {
            "q1": tasks[0:2] + knowledge[0:1],
            "q2": knowledge[1:3],
            "q3": tasks[2:3] + skills[0:1],
            "q4": tasks[3:4] + knowledge[3:4],
        }
        for question_id, chosen in picks.items():
            for statement in chosen:
                question_tag_set(
                    actor=None,
                    assessment=quiz,
                    question_id=question_id,
                    statement=statement,
                )
    lab = Assessment.objects.filter(course=course, title=LAB_TITLE).first()
    if lab is None:
        lab = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title=LAB_TITLE,
            assessment_type="lab",
            questions=LAB,
            passing_score=100,
            max_attempts=10,
            lab_instructions="Connect to the demo range and look for the beacon.",
        )
        for statement in tasks[4:6] + skills[1:2]:
            question_tag_set(
                actor=None, assessment=lab, question_id="flag1", statement=statement
            )
    if not Attempt.objects.filter(user=student, assessment=quiz).exists():
        attempt_submit(actor=student, assessment_id=quiz.pk, answers=ANSWERS)
    if not Attempt.objects.filter(user=student, assessment=lab).exists():
        attempt_submit(
            actor=student, assessment_id=lab.pk, answers={"flag1": DEMO_FLAG}
        )
    report.lines.append(
        f"Skills: student@example.org passed “{QUIZ_TITLE}” and captured the flag of "
        f"“{LAB_TITLE}” in “{course.title}”: partial coverage of "
        f"{primary.work_role.nice_id} {primary.work_role.title} (/learn/skills/)."
    )

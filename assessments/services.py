"""Writes: authoring assessments and the attempt flow (start, submit, grade).

Concurrency: every attempt write for a learner first locks the learner's enrollment
row, so a learner's racing start/submit requests run one after the other; the
database backs this with a unique attempt number and a partial unique index (one
attempt in progress per learner and assessment).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from content.models import CoursePage, ModulePage
from content.services import is_course_manager
from learning.models import Enrollment, EnrollmentStatus
from learning.services import module_complete
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from . import grading
from .models import Assessment, AssessmentType, Attempt, AttemptStatus
from .questions import public_question, questions_validate
from .selectors import assessment_get

# Network latency between the learner's click and our clock.
DEADLINE_GRACE = timedelta(seconds=5)
MAX_TIME_LIMIT = 7 * 24 * 60
MAX_ATTEMPTS = 100

_rng = random.SystemRandom()


def _max_attempts_reached() -> Conflict:
    return Conflict(
        "You have no attempts left for this assessment.", code="MAX_ATTEMPTS_REACHED"
    )


# --- Authoring ---------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    actor: User,
    course_id: int,
    title: str,
    assessment_type: str,
    questions,
    passing_score: Decimal,
    max_attempts: int = 1,
    time_limit: int | None = None,
    module_id: int | None = None,
    required_for_completion: bool = False,
    shuffle_questions: bool = False,
    pool_size: int | None = None,
    opens_at=None,
    closes_at=None,
    show_answers_after_submit: bool = False,
) -> Assessment:
    """Create an assessment in a course the actor manages (its instructor, admins).

    Errors: 404 unknown course (or a draft the actor does not manage); 403 a live
    course the actor does not manage; 400 invalid fields or questions (the message
    names each question path, ``field`` the first).
    """
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not is_course_manager(actor, course):
        if course is not None and course.live:
            raise PermissionDenied(
                "Only the course's instructor or an admin may add assessments."
            )
        raise NotFound("Course not found.")
    if not isinstance(title, str) or not title.strip() or len(title) > 255:
        raise InvalidInput("Required, at most 255 characters.", field="title")
    if assessment_type not in AssessmentType.values:
        raise InvalidInput("Unknown assessment type.", field="assessment_type")
    if not Decimal("0") <= Decimal(passing_score) <= Decimal("100"):
        raise InvalidInput("Must be between 0 and 100.", field="passing_score")
    if not 1 <= max_attempts <= MAX_ATTEMPTS:
        raise InvalidInput(f"Must be 1 to {MAX_ATTEMPTS}.", field="max_attempts")
    if time_limit is not None and not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            f"Must be 1 to {MAX_TIME_LIMIT} minutes.", field="time_limit"
        )
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInput("Must be after opens_at.", field="closes_at")
    module = None
    if module_id is not None:
        module = ModulePage.objects.child_of(course).filter(pk=module_id).first()
        if module is None:
            raise InvalidInput("Not a module of this course.", field="module_id")
    if required_for_completion and module is None:
        raise InvalidInput(
            "A required assessment needs the module it completes.", field="module_id"
        )

    assessment = Assessment(course=course, module=module, created_by=actor)
    stored = questions_validate(questions, salt=assessment.flag_salt)
    if pool_size is not None and not 1 <= pool_size <= len(stored):
        raise InvalidInput(
            f"Must be 1 to the number of questions ({len(stored)}).", field="pool_size"
        )
    assessment.title = title.strip()
    assessment.assessment_type = assessment_type
    assessment.questions = stored
    assessment.passing_score = passing_score
    assessment.max_attempts = max_attempts
    assessment.time_limit = time_limit
    assessment.required_for_completion = required_for_completion
    assessment.shuffle_questions = shuffle_questions
    assessment.pool_size = pool_size
    assessment.opens_at = opens_at
    assessment.closes_at = closes_at
    assessment.show_answers_after_submit = show_answers_after_submit
    assessment.save()
    audit_log_record(
        action="assessment.created",
        user=actor,
        resource_type="assessment",
        resource_id=assessment.pk,
        details={"course_id": course.pk, "questions": len(stored)},
    )
    return assessment


# --- Attempts ----------------------------------------------------------------------


def _lock_enrollment(user: User, assessment: Assessment) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id=assessment.course_id)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .first()
    )
    if enrollment is None:
        raise PermissionDenied("Only enrolled learners can take this assessment.")
    return enrollment


def _check_window(assessment: Assessment, now) -> None:
    if assessment.opens_at and now < assessment.opens_at:
        raise Conflict("This assessment is not open yet.", code="ASSESSMENT_NOT_OPEN")
    if assessment.closes_at and now >= assessment.closes_at:
        raise Conflict("This assessment has closed.", code="ASSESSMENT_CLOSED")


def _draw(assessment: Assessment) -> list[dict]:
    questions = list(assessment.questions)
    if assessment.pool_size and assessment.pool_size < len(questions):
        picked = sorted(_rng.sample(range(len(questions)), assessment.pool_size))
        questions = [questions[i] for i in picked]
    if assessment.shuffle_questions:
        _rng.shuffle(questions)
    return questions


def _new_attempt(user: User, assessment: Assessment, number: int, now) -> Attempt:
    served = _draw(assessment)
    deadline = None
    if assessment.time_limit:
        deadline = now + timedelta(minutes=assessment.time_limit)
    if assessment.closes_at and (deadline is None or assessment.closes_at < deadline):
        deadline = assessment.closes_at
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                assessment=assessment,
                user=user,
                attempt_number=number,
                questions=[public_question(q) for q in served],
                answer_key={q["id"]: q for q in served},
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError as exc:  # the constraints caught a race the lock missed
        raise Conflict("An attempt is already in progress.") from exc


def _open_attempt(user: User, assessment: Assessment) -> Attempt | None:
    return (
        Attempt.objects.select_for_update()
        .filter(user=user, assessment=assessment, status=AttemptStatus.IN_PROGRESS)
        .first()
    )


def _is_past_deadline(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def _grade(
    attempt: Attempt, answers: dict, now, *, late: bool, submitted: bool = True
) -> None:
    assessment = attempt.assessment
    grade = grading.attempt_grade(
        attempt.answer_key,
        [q["id"] for q in attempt.questions],
        answers,
        salt=assessment.flag_salt,
    )
    attempt.answers = answers
    attempt.results = grade.results
    attempt.score = grade.score
    attempt.late = late
    if submitted:
        attempt.submitted_at = now
    if late:
        attempt.passed = False
        attempt.status = AttemptStatus.GRADED
        attempt.graded_at = now
    elif grade.pending:
        attempt.passed = None
        attempt.status = AttemptStatus.PENDING_REVIEW
    else:
        attempt.passed = grade.score >= assessment.passing_score
        attempt.status = AttemptStatus.GRADED
        attempt.graded_at = now
    attempt.save()


@dataclass(frozen=True)
class StartResult:
    attempt: Attempt
    created: bool


def attempt_start(*, user: User, assessment_id: int) -> StartResult:
    """Start an attempt, or resume the one in progress (``created`` False).

    An open attempt past its deadline is closed as late (score from no answers, not
    passing) before a new one is considered. Errors: 403/404 not enrolled;
    409 ``ASSESSMENT_NOT_OPEN`` / ``ASSESSMENT_CLOSED`` outside the window;
    409 ``MAX_ATTEMPTS_REACHED``.
    """
    assessment = assessment_get(actor=user, assessment_id=assessment_id)
    error = None
    with transaction.atomic():
        _lock_enrollment(user, assessment)
        now = timezone.now()
        current = _open_attempt(user, assessment)
        if current is not None:
            current.assessment = assessment
            if not _is_past_deadline(current, now):
                return StartResult(current, created=False)
            _grade(current, current.answers, now, late=True, submitted=False)
        used = Attempt.objects.filter(user=user, assessment=assessment).count()
        try:
            _check_window(assessment, now)
            if used >= assessment.max_attempts:
                raise _max_attempts_reached()
        except Conflict as exc:
            error = exc  # keep the expired attempt closed: raise after commit
        else:
            return StartResult(_new_attempt(user, assessment, used + 1, now), True)
    raise error


def _checked_answers(attempt: Attempt, answers) -> dict:
    if not isinstance(answers, dict):
        raise InvalidInput("Must be an object keyed by question id.", field="answers")
    served = attempt.answer_key
    for qid, answer in answers.items():
        if qid not in served:
            raise InvalidInput(
                f"Question {qid!r} was not served in this attempt.",
                field=f"answers.{qid}"[:200],
            )
        if answer is None:
            continue
        try:
            grading.answer_check(served[qid], answer)
        except grading.AnswerTypeError as exc:
            raise InvalidInput(str(exc), field=f"answers.{qid}") from exc
    return {qid: a for qid, a in answers.items() if a is not None}


def attempt_submit(*, user: User, assessment_id: int, answers) -> Attempt:
    """Grade the learner's attempt in progress with ``answers`` ({question id:
    answer}) in one transaction.

    Without an attempt in progress, one is started and submitted at once (only for
    assessments serving every question as authored: no pool, no time limit), so a
    plain quiz needs one request. Essays leave the attempt ``pending_review``. A
    passed required assessment completes its module (and through it the course).

    Errors: 400 answers not an object, a question not served (the field names it),
    an answer of the wrong type; 409 ``MAX_ATTEMPTS_REACHED``; 409 ``CONFLICT`` when
    an attempt must be started first; 409 ``DEADLINE_PASSED`` after the deadline:
    the answers are stored, graded, marked late and not passing, and committed
    before the error is raised.
    """
    if not isinstance(answers, dict):
        raise InvalidInput("Must be an object keyed by question id.", field="answers")
    assessment = assessment_get(actor=user, assessment_id=assessment_id)
    with transaction.atomic():
        _lock_enrollment(user, assessment)
        now = timezone.now()
        attempt = _open_attempt(user, assessment)
        if attempt is None:
            used = Attempt.objects.filter(user=user, assessment=assessment).count()
            if used >= assessment.max_attempts:
                raise _max_attempts_reached()
            if assessment.pool_size or assessment.time_limit:
                raise Conflict("Start the attempt first.")
            _check_window(assessment, now)
            attempt = _new_attempt(user, assessment, used + 1, now)
        attempt.assessment = assessment
        checked = _checked_answers(attempt, answers)
        late = _is_past_deadline(attempt, now)
        _grade(attempt, checked, now, late=late)
        if (
            attempt.passed
            and assessment.required_for_completion
            and assessment.module_id
        ):
            module_complete(user=user, module=assessment.module)
    if late:
        raise Conflict(
            "The deadline has passed: your answers were stored but do not count.",
            code="DEADLINE_PASSED",
        )
    return attempt


def required_assessment_guard(user: User, module: ModulePage) -> str | None:
    """``learning.services.completion_guards`` entry: a module with a required
    assessment is completed by passing it, not by hand."""
    passed = Attempt.objects.filter(assessment=OuterRef("pk"), user=user, passed=True)
    pending = (
        Assessment.objects.filter(module=module, required_for_completion=True)
        .exclude(Exists(passed))
        .exists()
    )
    if pending:
        return "Pass the module's required assessment to complete it."
    return None

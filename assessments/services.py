"""Writes: authoring assessments and the attempt flow (start, submit, grade).

Concurrency: every attempt write for a learner first locks the learner's enrollment
row, so a learner's racing start/submit requests run one after the other; the
database backs this with a unique attempt number and a partial unique index (one
attempt in progress per learner and assessment).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import strip_tags

from content.models import CoursePage, ModulePage
from content.services import is_course_manager
from learning.models import Enrollment, EnrollmentStatus
from learning.services import module_complete
from portal.accounts.models import User
from portal.accounts.permissions import has_permission
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from . import grading, proctoring
from .models import (
    QUESTION_SCHEMA_VERSION,
    Assessment,
    AssessmentType,
    Attempt,
    AttemptStatus,
)
from .questions import (
    ESSAY,
    FLAG,
    is_number,
    public_question,
    questions_validate,
)
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


MAX_LAB_INSTRUCTIONS = 10_000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Stands in for a kept flag while the question list is validated; never stored.
_KEPT_FLAG = "kept-flag"


def _plain_text(value: str) -> str:
    """Lab instructions are plain text: tags and control characters are dropped,
    line breaks kept (as ``\n``); pages escape the text when showing it."""
    text = strip_tags(value.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL_CHARS.sub("", text).strip()


def _managed_course(actor: User, course_id: int) -> CoursePage:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not is_course_manager(actor, course):
        if course is not None and course.live:
            raise PermissionDenied(
                "Only the course's instructor or an admin may add assessments."
            )
        raise NotFound("Course not found.")
    return course


def _checked_settings(
    course: CoursePage,
    *,
    title,
    assessment_type,
    passing_score,
    max_attempts,
    time_limit,
    module_id,
    required_for_completion,
    opens_at,
    closes_at,
    proctored,
    lab_instructions,
) -> ModulePage | None:
    """Validate an assessment's settings (everything but the questions); return its
    module. Raises ``InvalidInput`` naming the field."""
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
    if proctored and assessment_type != AssessmentType.EXAM:
        raise InvalidInput("Only exams can be proctored.", field="proctored")
    if proctored and not (opens_at and closes_at):
        raise InvalidInput(
            "A proctored exam needs both opens_at and closes_at.",
            field="closes_at" if opens_at else "opens_at",
        )
    if not isinstance(lab_instructions, str) or (
        len(lab_instructions) > MAX_LAB_INSTRUCTIONS
    ):
        raise InvalidInput(
            f"At most {MAX_LAB_INSTRUCTIONS} characters.", field="lab_instructions"
        )
    module = None
    if module_id is not None:
        module = ModulePage.objects.child_of(course).filter(pk=module_id).first()
        if module is None:
            raise InvalidInput("Not a module of this course.", field="module_id")
    if required_for_completion and module is None:
        raise InvalidInput(
            "A required assessment needs the module it completes.", field="module_id"
        )
    return module


def _checked_pool_size(pool_size: int | None, stored: list[dict]) -> None:
    if pool_size is not None and not 1 <= pool_size <= len(stored):
        raise InvalidInput(
            f"Must be 1 to the number of questions ({len(stored)}).", field="pool_size"
        )


def questions_validate_keeping_flags(raw, *, salt: str, current=()) -> list[dict]:
    """``questions_validate`` for an edit: a flag question given without
    ``correct`` (or with an empty one) keeps the flag of the current question with
    the same id, as flags are write-only (only their hash is stored). A new flag
    question still needs its flag."""
    hashes = {
        q["id"]: q["flag_hash"]
        for q in current or ()
        if q.get("type") == FLAG and q.get("flag_hash")
    }
    kept = {}
    prepared = raw
    if isinstance(raw, list):
        prepared = []
        for question in raw:
            if (
                isinstance(question, dict)
                and question.get("type") == FLAG
                and question.get("correct") in (None, "")
                and isinstance(question.get("id"), str)
                and question["id"] in hashes
            ):
                kept[question["id"]] = hashes[question["id"]]
                question = {**question, "correct": _KEPT_FLAG}
            prepared.append(question)
    stored = questions_validate(prepared, salt=salt)
    for question in stored:
        if question["type"] == FLAG and question["id"] in kept:
            question["flag_hash"] = kept[question["id"]]
    return stored


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
    proctored: bool = False,
    lab_instructions: str = "",
) -> Assessment:
    """Create an assessment in a course the actor manages (its instructor, admins).

    Errors: 404 unknown course (or a draft the actor does not manage); 403 a live
    course the actor does not manage; 400 invalid fields or questions (the message
    names each question path, ``field`` the first).
    """
    course = _managed_course(actor, course_id)
    module = _checked_settings(
        course,
        title=title,
        assessment_type=assessment_type,
        passing_score=passing_score,
        max_attempts=max_attempts,
        time_limit=time_limit,
        module_id=module_id,
        required_for_completion=required_for_completion,
        opens_at=opens_at,
        closes_at=closes_at,
        proctored=proctored,
        lab_instructions=lab_instructions,
    )
    assessment = Assessment(course=course, module=module, created_by=actor)
    stored = questions_validate(questions, salt=assessment.flag_salt)
    _checked_pool_size(pool_size, stored)
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
    assessment.proctored = proctored
    assessment.lab_instructions = _plain_text(lab_instructions)
    assessment.save()
    audit_log_record(
        action="assessment.created",
        user=actor,
        resource_type="assessment",
        resource_id=assessment.pk,
        details={"course_id": course.pk, "questions": len(stored)},
    )
    return assessment


def _managed_assessment(actor: User, assessment_id: int) -> Assessment:
    """The assessment, locked, if the actor manages its course; else 404 (the
    editor's listing shows each instructor only their own)."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not is_course_manager(actor, assessment.course):
        raise NotFound("Assessment not found.")
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: User,
    assessment_id: int,
    title: str,
    assessment_type: str,
    questions,
    passing_score: Decimal,
    course_id: int | None = None,
    max_attempts: int = 1,
    time_limit: int | None = None,
    module_id: int | None = None,
    required_for_completion: bool = False,
    shuffle_questions: bool = False,
    pool_size: int | None = None,
    opens_at=None,
    closes_at=None,
    show_answers_after_submit: bool = False,
    proctored: bool = False,
    lab_instructions: str = "",
) -> Assessment:
    """Replace an assessment's settings and questions (the course's instructor,
    admins), with the validation of ``assessment_create``.

    Flag questions without a flag keep their current one (by question id, see
    ``questions_validate_keeping_flags``). Attempts already made keep the questions
    they were served, so editing never changes a grade. ``course_id`` moves the
    assessment to another course the actor manages, only while it has no attempts.

    Errors: 404 unknown assessment or one the actor does not manage (and for a
    target course likewise, 403 a live one); 400 invalid fields or questions.
    """
    assessment = _managed_assessment(actor, assessment_id)
    course = assessment.course
    if course_id is not None and course_id != course.pk:
        if assessment.attempts.exists():
            raise InvalidInput(
                "An assessment with attempts cannot move to another course.",
                field="course_id",
            )
        course = _managed_course(actor, course_id)
    module = _checked_settings(
        course,
        title=title,
        assessment_type=assessment_type,
        passing_score=passing_score,
        max_attempts=max_attempts,
        time_limit=time_limit,
        module_id=module_id,
        required_for_completion=required_for_completion,
        opens_at=opens_at,
        closes_at=closes_at,
        proctored=proctored,
        lab_instructions=lab_instructions,
    )
    stored = questions_validate_keeping_flags(
        questions, salt=assessment.flag_salt, current=assessment.questions
    )
    _checked_pool_size(pool_size, stored)
    assessment.course = course
    assessment.module = module
    assessment.title = title.strip()
    assessment.assessment_type = assessment_type
    assessment.questions = stored
    assessment.schema_version = QUESTION_SCHEMA_VERSION
    assessment.passing_score = passing_score
    assessment.max_attempts = max_attempts
    assessment.time_limit = time_limit
    assessment.required_for_completion = required_for_completion
    assessment.shuffle_questions = shuffle_questions
    assessment.pool_size = pool_size
    assessment.opens_at = opens_at
    assessment.closes_at = closes_at
    assessment.show_answers_after_submit = show_answers_after_submit
    assessment.proctored = proctored
    assessment.lab_instructions = _plain_text(lab_instructions)
    assessment.save()
    audit_log_record(
        action="assessment.updated",
        user=actor,
        resource_type="assessment",
        resource_id=assessment.pk,
        details={"course_id": course.pk, "questions": len(stored)},
    )
    return assessment


@transaction.atomic
def assessment_retire(*, actor: User, assessment_id: int) -> Assessment:
    """Retire an assessment (``archived_at``): learners no longer see or take it;
    its attempts and grades stay. Idempotent. Errors: 404 as ``assessment_update``.
    """
    assessment = _managed_assessment(actor, assessment_id)
    if assessment.archived_at is None:
        assessment.archived_at = timezone.now()
        assessment.save(update_fields=["archived_at", "updated_at"])
        audit_log_record(
            action="assessment.retired",
            user=actor,
            resource_type="assessment",
            resource_id=assessment.pk,
            details={"course_id": assessment.course_id},
        )
    return assessment


@transaction.atomic
def assessment_restore(*, actor: User, assessment_id: int) -> Assessment:
    """Bring a retired assessment back. Idempotent. Errors: 404 as
    ``assessment_update``."""
    assessment = _managed_assessment(actor, assessment_id)
    if assessment.archived_at is not None:
        assessment.archived_at = None
        assessment.save(update_fields=["archived_at", "updated_at"])
        audit_log_record(
            action="assessment.restored",
            user=actor,
            resource_type="assessment",
            resource_id=assessment.pk,
            details={"course_id": assessment.course_id},
        )
    return assessment


@transaction.atomic
def assessment_delete(*, actor: User, assessment_id: int) -> None:
    """Delete an assessment nobody has attempted. Errors: 404 as
    ``assessment_update``; 409 ``CONFLICT`` once it has attempts (retire it)."""
    assessment = _managed_assessment(actor, assessment_id)
    if assessment.attempts.exists():
        raise Conflict("This assessment has attempts: retire it instead.")
    pk, course_id = assessment.pk, assessment.course_id
    assessment.delete()
    audit_log_record(
        action="assessment.deleted",
        user=actor,
        resource_type="assessment",
        resource_id=pk,
        details={"course_id": course_id},
    )


# The API's partial edits (PUT/PATCH /assessments/{id}) and retirement (DELETE).

AUTHORED_FIELDS = (
    "title",
    "assessment_type",
    "questions",
    "passing_score",
    "max_attempts",
    "time_limit",
    "module_id",
    "required_for_completion",
    "shuffle_questions",
    "pool_size",
    "opens_at",
    "closes_at",
    "show_answers_after_submit",
    "proctored",
    "lab_instructions",
)


def _check_may_author(actor: User, assessment_id: int) -> Assessment:
    """The API's access rule for changing an assessment: its course's instructor
    and admins; 403 for anyone else on a live course (a public resource), 404 on a
    draft course or for an unknown id."""
    assessment = (
        Assessment.objects.select_related("course").filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise NotFound("Assessment not found.")
    if not is_course_manager(actor, assessment.course):
        if assessment.course.live:
            raise PermissionDenied(
                "Only the course's instructor or an admin may change assessments."
            )
        raise NotFound("Assessment not found.")
    return assessment


def _editable_question(question: dict) -> dict:
    # A stored flag holds only its hash: sent back without ``correct``, the edit
    # keeps it (``questions_validate_keeping_flags``).
    return {key: value for key, value in question.items() if key != "flag_hash"}


@transaction.atomic
def assessment_update_partial(
    *, actor: User, assessment_id: int, changes: dict
) -> Assessment:
    """Change some of an assessment's ``AUTHORED_FIELDS``; the others stay. The
    result is validated as a whole like ``assessment_create`` (through
    ``assessment_update``), so e.g. ``proctored`` checks the stored type and window.

    ``questions``, when given, replaces the whole list; a flag question sent without
    ``correct`` keeps its stored flag if its id was a flag before. Attempts already
    started keep the questions and answer key they were served.

    Errors: 404 unknown assessment or a draft course's; 403 a live course's for
    anyone but its instructor and admins; 400 unknown or invalid fields.
    """
    unknown = sorted(set(changes) - set(AUTHORED_FIELDS))
    if unknown:
        raise InvalidInput("Not an editable field.", field=unknown[0])
    current = _check_may_author(actor, assessment_id)
    current = Assessment.objects.select_for_update(of=("self",)).get(pk=current.pk)
    values = {field: getattr(current, field) for field in AUTHORED_FIELDS}
    values["questions"] = [_editable_question(q) for q in current.questions]
    values.update(changes)
    return assessment_update(actor=actor, assessment_id=current.pk, **values)


def assessment_archive(*, actor: User, assessment_id: int) -> Assessment:
    """Retire an assessment through the API (``assessment_retire``): hidden from
    learners (detail, start, submit and autosave are 404 to them), no longer
    guarding its module's completion; attempts and grades kept. Errors: 404/403 as
    ``assessment_update_partial``."""
    _check_may_author(actor, assessment_id)
    return assessment_retire(actor=actor, assessment_id=assessment_id)


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
    if assessment.proctored:
        proctoring.proctor_sessions_end(attempt=attempt, now=now)


def _audit_attempt(attempt: Attempt, user: User, action: str) -> None:
    audit_log_record(
        action=action,
        user=user,
        resource_type="attempt",
        resource_id=attempt.pk,
        details={
            "assessment_id": attempt.assessment_id,
            "attempt_number": attempt.attempt_number,
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
            "late": attempt.late,
        },
    )


@dataclass(frozen=True)
class StartResult:
    attempt: Attempt
    created: bool
    # Proctored exams: the raw session token, only when a session was opened.
    proctor_token: str | None = None


@proctoring.records_refusals
def attempt_start(
    *,
    user: User,
    assessment_id: int,
    proctor_token: str | None = None,
    client: proctoring.ClientInfo | None = None,
) -> StartResult:
    """Start an attempt, or resume the one in progress (``created`` False).

    Proctored exams (``assessments.proctoring``): they need a scheduled window;
    a new attempt opens its session and the result carries the session's token;
    resuming needs that token (``proctor_token``), else 409
    ``PROCTOR_SESSION_ACTIVE`` (the refusal is stored as an event). ``client`` is
    where the request came from.

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
                token = proctoring.proctor_session_guard(
                    attempt=current,
                    token=proctor_token,
                    client=client,
                    action="start",
                    may_open=True,
                )
                return StartResult(current, created=False, proctor_token=token)
            _grade(current, current.answers, now, late=True, submitted=False)
            _audit_attempt(current, user, "assessment.attempt_expired")
        used = Attempt.objects.filter(user=user, assessment=assessment).count()
        try:
            _check_window(assessment, now)
            proctoring.proctor_window_check(assessment)
            if used >= assessment.max_attempts:
                raise _max_attempts_reached()
        except Conflict as exc:
            error = exc  # keep the expired attempt closed: raise after commit
        else:
            attempt = _new_attempt(user, assessment, used + 1, now)
            token = proctoring.proctor_session_open(attempt=attempt, client=client)
            return StartResult(attempt, True, proctor_token=token)
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


@proctoring.records_refusals
def attempt_submit(
    *,
    user: User,
    assessment_id: int,
    answers,
    proctor_token: str | None = None,
    client: proctoring.ClientInfo | None = None,
) -> Attempt:
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
    before the error is raised. Proctored exams must be started first and need the
    session's token (``proctor_token``): else 409 ``PROCTOR_SESSION_ACTIVE``.
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
            if assessment.pool_size or assessment.time_limit or assessment.proctored:
                raise Conflict("Start the attempt first.")
            _check_window(assessment, now)
            attempt = _new_attempt(user, assessment, used + 1, now)
        attempt.assessment = assessment
        proctoring.proctor_session_guard(
            attempt=attempt, token=proctor_token, client=client, action="submit"
        )
        checked = _checked_answers(attempt, answers)
        late = _is_past_deadline(attempt, now)
        _grade(attempt, checked, now, late=late)
        if (
            attempt.passed
            and assessment.required_for_completion
            and assessment.module_id
        ):
            module_complete(user=user, module=assessment.module)
        _audit_attempt(attempt, user, "assessment.attempt_submitted")
    if late:
        raise Conflict(
            "The deadline has passed: your answers were stored but do not count.",
            code="DEADLINE_PASSED",
        )
    return attempt


@proctoring.records_refusals
def attempt_autosave(
    *,
    user: User,
    attempt_id: int,
    answers,
    proctor_token: str | None = None,
    client: proctoring.ClientInfo | None = None,
) -> Attempt:
    """Store the learner's answers in progress (the full set replaces the old one)
    without grading them, so a reloaded page can restore them.

    Only the attempt's learner (anyone else: 404, as an attempt's existence is
    private); the answers are validated like a submission. Errors: 400 answers not
    an object, a question not served or an answer of the wrong type (the field names
    it); 404 not the learner's attempt, or a retired assessment; 409 ``CONFLICT``
    when the attempt is no longer in progress; 409 ``DEADLINE_PASSED`` past its
    deadline (nothing is stored: the attempt is closed when next started or
    submitted); 409 ``PROCTOR_SESSION_ACTIVE`` for a proctored attempt without its
    session's token (``proctor_token``).
    """
    if not isinstance(answers, dict):
        raise InvalidInput("Must be an object keyed by question id.", field="answers")
    attempt = (
        Attempt.objects.select_related("assessment")
        .filter(pk=attempt_id, user=user, assessment__archived_at__isnull=True)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    assessment = attempt.assessment
    with transaction.atomic():
        _lock_enrollment(user, assessment)
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.assessment = assessment
        if attempt.status != AttemptStatus.IN_PROGRESS:
            raise Conflict("This attempt is no longer in progress.")
        proctoring.proctor_session_guard(
            attempt=attempt, token=proctor_token, client=client, action="autosave"
        )
        now = timezone.now()
        if _is_past_deadline(attempt, now):
            raise Conflict(
                "The deadline has passed: answers can no longer be saved.",
                code="DEADLINE_PASSED",
            )
        attempt.answers = _checked_answers(attempt, answers)
        attempt.saved_at = now
        attempt.save(update_fields=["answers", "saved_at"])
    return attempt


def required_assessment_guard(user: User, module: ModulePage) -> str | None:
    """``learning.services.completion_guards`` entry: a module with a required
    assessment is completed by passing it, not by hand. Retired assessments no
    longer guard."""
    passed = Attempt.objects.filter(assessment=OuterRef("pk"), user=user, passed=True)
    pending = (
        Assessment.objects.filter(
            module=module, required_for_completion=True, archived_at__isnull=True
        )
        .exclude(Exists(passed))
        .exists()
    )
    if pending:
        return "Pass the module's required assessment to complete it."
    return None


# --- Manual grading ----------------------------------------------------------------

MAX_GRADE_FEEDBACK = 5000
GRADABLE_STATUSES = (AttemptStatus.PENDING_REVIEW, AttemptStatus.GRADED)


def _attempt_for_grading(actor: User, attempt_id: int) -> Attempt:
    """The attempt, if the actor manages its course. Staff who grade elsewhere (other
    instructors) get 403; anyone else 404, as an attempt's existence is private."""
    attempt = (
        Attempt.objects.select_related("assessment", "assessment__course", "user")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    if not is_course_manager(actor, attempt.assessment.course):
        if has_permission(actor, "assessment:grade"):
            raise PermissionDenied(
                "Only the course's instructor or an admin may grade this attempt."
            )
        raise NotFound("Attempt not found.")
    return attempt


def _checked_grades(attempt: Attempt, grades) -> dict[str, dict]:
    """Validate ``grades`` against the attempt's essays; return {qid: {points,
    feedback}} with points as Decimal."""
    if not isinstance(grades, dict):
        raise InvalidInput("Must be an object keyed by question id.", field="grades")
    key = attempt.answer_key
    essays = [q["id"] for q in attempt.questions if key[q["id"]]["type"] == ESSAY]
    checked = {}
    for qid, grade in grades.items():
        field = f"grades.{qid}"[:200]
        if qid not in key:
            raise InvalidInput(
                f"Question {qid!r} was not served in this attempt.", field=field
            )
        if key[qid]["type"] != ESSAY:
            raise InvalidInput("Only essay questions are graded by hand.", field=field)
        if not isinstance(grade, dict):
            raise InvalidInput(
                "Must be an object with points and feedback.", field=field
            )
        unknown = sorted(set(grade) - {"points", "feedback"})
        if unknown:
            raise InvalidInput("Unknown field.", field=f"{field}.{unknown[0]}"[:200])
        points = grade.get("points")
        maximum = grading._dec(key[qid].get("points", 1))
        if not is_number(points) or not 0 <= points <= maximum:
            raise InvalidInput(
                f"Must be a number from 0 to {maximum}.", field=f"{field}.points"
            )
        feedback = grade.get("feedback", "")
        if feedback is None:
            feedback = ""
        if not isinstance(feedback, str) or len(feedback) > MAX_GRADE_FEEDBACK:
            raise InvalidInput(
                f"Must be text of at most {MAX_GRADE_FEEDBACK} characters.",
                field=f"{field}.feedback",
            )
        checked[qid] = {"points": grading._dec(points), "feedback": feedback.strip()}
    for qid in essays:
        if qid not in checked:
            raise InvalidInput(
                "Every essay question must be graded.", field=f"grades.{qid}"
            )
    return checked


def attempt_grade_manual(*, actor: User, attempt_id: int, grades: dict) -> Attempt:
    """Grade the essay questions of a submitted attempt by hand, or regrade them.

    ``grades`` is ``{question_id: {"points": number, "feedback": str}}`` covering
    every essay of the attempt (and nothing else); points are 0 to the question's
    points, feedback optional (at most 5000 characters) and shown to the learner.
    The score is recomputed from all results (automatic ones unchanged), ``passed``
    is score >= the assessment's passing score, the attempt becomes ``graded`` with
    ``graded_at``/``graded_by``. A pass of a required assessment completes its module
    (and through ``learning`` the course and certificate). A regrade never takes a
    completed module back. Runs in one transaction holding the learner's enrollment
    and the attempt row; writes ``assessment.attempt_graded`` to the audit log with
    the previous outcome.

    Errors: 404 unknown attempt or an actor who does not grade; 403 an instructor of
    another course; 400 invalid grades (``field`` ``grades.<qid>[.points]``);
    409 ``CONFLICT`` for attempts in progress, late, invalidated or without essays.
    """
    attempt = _attempt_for_grading(actor, attempt_id)
    assessment = attempt.assessment
    learner = attempt.user
    with transaction.atomic():
        # The learner's enrollment first, as submit does, so the two never deadlock.
        list(
            Enrollment.objects.select_for_update()
            .filter(user=learner, course_id=assessment.course_id)
            .values_list("pk", flat=True)
        )
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.assessment = assessment
        attempt.user = learner
        if attempt.status not in GRADABLE_STATUSES:
            raise Conflict("Only submitted attempts awaiting review can be graded.")
        if attempt.late:
            raise Conflict("A late attempt does not count and cannot be graded.")
        checked = _checked_grades(attempt, grades)
        if not checked:
            raise Conflict("This attempt has no essay questions to grade.")
        previous = {
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
        }
        results = {qid: dict(result) for qid, result in attempt.results.items()}
        for qid, grade in checked.items():
            maximum = grading._dec(attempt.answer_key[qid].get("points", 1))
            awarded = grade["points"]
            if awarded == maximum:
                outcome = grading.CORRECT
            elif awarded == 0:
                outcome = grading.INCORRECT
            else:
                outcome = grading.PARTIAL
            results[qid] = {
                "outcome": outcome,
                "points_awarded": float(awarded),
                "points": float(maximum),
                "feedback": grade["feedback"],
            }
        earned = total = Decimal("0")
        for question in attempt.questions:
            result = results.get(question["id"], {})
            earned += grading._dec(result.get("points_awarded", 0))
            total += grading._dec(
                result.get(
                    "points", attempt.answer_key[question["id"]].get("points", 1)
                )
            )
        score = (earned * grading.HUNDRED / total) if total else Decimal("0")
        now = timezone.now()
        attempt.results = results
        attempt.score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        attempt.passed = attempt.score >= assessment.passing_score
        attempt.status = AttemptStatus.GRADED
        attempt.graded_at = now
        attempt.graded_by = actor
        attempt.save(
            update_fields=[
                "results",
                "score",
                "passed",
                "status",
                "graded_at",
                "graded_by",
            ]
        )
        if (
            attempt.passed
            and assessment.required_for_completion
            and assessment.module_id
        ):
            module_complete(user=learner, module=assessment.module)
        audit_log_record(
            action="assessment.attempt_graded",
            user=actor,
            resource_type="attempt",
            resource_id=attempt.pk,
            details={
                "assessment_id": assessment.pk,
                "learner_id": learner.pk,
                "regrade": previous["status"] == AttemptStatus.GRADED,
                "previous": previous,
                "score": attempt.score,
                "passed": attempt.passed,
                "points": {qid: g["points"] for qid, g in checked.items()},
            },
        )
    return attempt

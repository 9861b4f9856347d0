"""The attempt flow: start (or resume), autosave, submit and automatic grading,
deadlines, and the completion guard of required assessments.

Concurrency: every attempt write for a learner first locks the learner's enrollment
row (``learning.services.enrollment_lock``), so a learner's racing requests run one
after the other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from content.models import ModulePage
from learning.services import enrollment_lock
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.queries import locked_row

from .. import grading
from ..models import Assessment, Attempt, AttemptStatus
from ..questions import public_question
from ..selectors import assessment_get
from . import proctoring
from .completion import attempt_pass_record

# Network latency between the learner's click and our clock.
DEADLINE_GRACE = timedelta(seconds=5)

_rng = random.SystemRandom()


def _max_attempts_reached() -> Conflict:
    return Conflict(
        "You have no attempts left for this assessment.", code="MAX_ATTEMPTS_REACHED"
    )


def _lock_enrollment(user: User, assessment: Assessment) -> None:
    """``enrollment_lock``, for a learner who must be enrolled."""
    enrollment = enrollment_lock(user_id=user.pk, course_id=assessment.course_id)
    if enrollment is None or not enrollment.is_active:
        raise PermissionDenied("Only enrolled learners can take this assessment.")


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
    # No savepoint: the Conflict ends the caller's transaction, which rolls back
    # whole (two statements fewer on every new attempt).
    try:
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
    # One at most (a constraint).
    return locked_row(
        Attempt,
        user_id=user.pk,
        assessment_id=assessment.pk,
        status=AttemptStatus.IN_PROGRESS,
    )


def _is_past_deadline(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


_GRADED_FIELDS = (
    "answers",
    "results",
    "score",
    "late",
    "submitted_at",
    "passed",
    "status",
    "graded_at",
)


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
        attempt.passed = grading.score_passes(
            score=grade.score, passing_score=assessment.passing_score
        )
        attempt.status = AttemptStatus.GRADED
        attempt.graded_at = now
    # Only what grading sets: the served questions and key (the largest columns)
    # are written once, when the attempt starts.
    attempt.save(update_fields=_GRADED_FIELDS)
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
    actor: User,
    assessment_id: int,
    proctor_token: str | None = None,
    client: proctoring.ClientInfo | None = None,
) -> StartResult:
    """Start an attempt, or resume the one in progress (``created`` False).

    Proctored exams (``assessments.services.proctoring``): they need a scheduled window;
    a new attempt opens its session and the result carries the session's token;
    resuming needs that token (``proctor_token``), else 409
    ``PROCTOR_SESSION_ACTIVE`` (the refusal is stored as an event). ``client`` is
    where the request came from.

    An open attempt past its deadline is closed as late (score from no answers, not
    passing) before a new one is considered. Errors: 403/404 not enrolled;
    409 ``ASSESSMENT_NOT_OPEN`` / ``ASSESSMENT_CLOSED`` outside the window;
    409 ``MAX_ATTEMPTS_REACHED``.
    """
    assessment = assessment_get(
        actor=actor, assessment_id=assessment_id, with_course=False
    )
    error = None
    with transaction.atomic():
        _lock_enrollment(actor, assessment)
        now = timezone.now()
        current = _open_attempt(actor, assessment)
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
            _audit_attempt(current, actor, "assessment.attempt_expired")
        used = Attempt.objects.filter(user=actor, assessment=assessment).count()
        try:
            _check_window(assessment, now)
            proctoring.proctor_window_check(assessment=assessment)
            if used >= assessment.max_attempts:
                raise _max_attempts_reached()
        except Conflict as exc:
            error = exc  # keep the expired attempt closed: raise after commit
        else:
            attempt = _new_attempt(actor, assessment, used + 1, now)
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
    actor: User,
    assessment_id: int,
    answers: object,
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
    assessment = assessment_get(
        actor=actor, assessment_id=assessment_id, with_course=False
    )
    with transaction.atomic():
        _lock_enrollment(actor, assessment)
        now = timezone.now()
        attempt = _open_attempt(actor, assessment)
        if attempt is None:
            used = Attempt.objects.filter(user=actor, assessment=assessment).count()
            if used >= assessment.max_attempts:
                raise _max_attempts_reached()
            if assessment.pool_size or assessment.time_limit or assessment.proctored:
                raise Conflict("Start the attempt first.")
            _check_window(assessment, now)
            attempt = _new_attempt(actor, assessment, used + 1, now)
        attempt.assessment = assessment
        attempt.user = actor
        proctoring.proctor_session_guard(
            attempt=attempt, token=proctor_token, client=client, action="submit"
        )
        checked = _checked_answers(attempt, answers)
        late = _is_past_deadline(attempt, now)
        _grade(attempt, checked, now, late=late)
        attempt_pass_record(attempt=attempt)
        _audit_attempt(attempt, actor, "assessment.attempt_submitted")
    if late:
        raise Conflict(
            "The deadline has passed: your answers were stored but do not count.",
            code="DEADLINE_PASSED",
        )
    return attempt


@proctoring.records_refusals
def attempt_autosave(
    *,
    actor: User,
    attempt_id: int,
    answers: object,
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
        .filter(pk=attempt_id, user=actor, assessment__archived_at__isnull=True)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    assessment = attempt.assessment
    with transaction.atomic():
        _lock_enrollment(actor, assessment)
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


def required_assessment_guard(*, user: User, module: ModulePage) -> str | None:
    """The ``portal.hooks.COMPLETION_GUARD`` answer: a module with a required
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

"""Reads: who may see which assessment and whose attempts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from content.access import is_course_manager, managed_courses_q
from content.models import CoursePage
from learning.models import Enrollment
from portal.accounts.models import User
from portal.accounts.permissions import has_permission, is_admin
from portal.errors import NotFound, PermissionDenied
from portal.queries import unique_row

from . import grading
from .grading import CORRECT, PENDING
from .models import Assessment, AssessmentType, Attempt, AttemptStatus
from .questions import ESSAY, FLAG


def enrolled_q(user: User, course_field: str = "course") -> Exists:
    return Exists(
        Enrollment.objects.filter(user=user, course_id=OuterRef(course_field)).active()
    )


def assessment_visible_filter(user: User, *, include_archived: bool = False) -> Q:
    """The one visibility rule: admins see all; a course's instructor its course's
    assessments; learners those of courses they are enrolled in (not cancelled),
    except retired ones (``archived_at``) unless ``include_archived``."""
    if is_admin(user):
        return Q()
    learner = Q(enrolled_q(user))
    if not include_archived:
        learner &= Q(archived_at__isnull=True)
    return managed_courses_q(user=user, prefix="course__") | learner


def _refuse(course_id: int) -> None:
    # A live course is public: seeing it but not its assessments is a 403. Drafts
    # and unknown ids stay private: 404.
    if CoursePage.objects.filter(pk=course_id, live=True).exists():
        raise PermissionDenied("Enroll in the course to see its assessments.")
    raise NotFound("Assessment not found.")


def assessment_get(
    *,
    actor: User,
    assessment_id: int,
    include_archived: bool = False,
    with_course: bool = True,
) -> Assessment:
    """One assessment the actor may see (``assessment_visible_filter``). A retired
    one is 404 to learners unless ``include_archived`` (their own results).
    ``with_course``: its course page is read in the same query (its managers'
    checks need it); a learner's attempt does not, and the page is the larger part
    of the read."""
    visible = assessment_visible_filter(actor, include_archived=include_archived)
    query = Assessment.objects.filter(visible, pk=assessment_id)
    if with_course:
        query = query.select_related("course")
    assessment = unique_row(query)
    if assessment is None:
        found = (
            Assessment.objects.filter(pk=assessment_id)
            .values_list("course_id", "archived_at")
            .first()
        )
        if found is None or (found[1] is not None and not include_archived):
            raise NotFound("Assessment not found.")
        _refuse(found[0])
    return assessment


def attempts_used(*, user: User, assessment: Assessment) -> int:
    return Attempt.objects.filter(user=user, assessment=assessment).count()


def attempt_list(*, actor: User, assessment: Assessment) -> QuerySet[Attempt]:
    """The learner's own attempts; all attempts for the course's managers."""
    attempts = Attempt.objects.filter(assessment=assessment).select_related("user")
    if not is_course_manager(user=actor, course=assessment.course):
        attempts = attempts.filter(user=actor)
    return attempts.order_by("user_id", "attempt_number")


def attempt_get(*, actor: User, attempt_id: int) -> Attempt:
    """One attempt: its learner, the course's instructor, admins; else 404 (an
    attempt's existence is private)."""
    attempts = Attempt.objects.select_related(
        "assessment", "assessment__course", "user"
    )
    if not is_admin(actor):
        attempts = attempts.filter(
            Q(user=actor) | managed_courses_q(user=actor, prefix="assessment__course__")
        )
    attempt = attempts.filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound("Attempt not found.")
    return attempt


def grading_queue(*, actor: User, course_id: int | None = None) -> QuerySet[Attempt]:
    """Attempts awaiting manual grading (``pending_review``) in the courses the actor
    manages (admins: every course), oldest submission first.

    ``course_id`` narrows to one course: ``NotFound`` if it does not exist (or is a
    draft the actor does not manage), ``PermissionDenied`` if the actor does not
    manage it. Learners and other roles get ``PermissionDenied``.
    """
    if not (is_admin(actor) or has_permission(actor, "assessment:grade")):
        raise PermissionDenied("Only instructors and admins grade attempts.")
    attempts = Attempt.objects.filter(
        managed_courses_q(user=actor, prefix="assessment__course__"),
        status=AttemptStatus.PENDING_REVIEW,
    )
    if course_id is not None:
        course = CoursePage.objects.filter(pk=course_id).first()
        if course is None or not is_course_manager(user=actor, course=course):
            if course is not None and course.live:
                raise PermissionDenied("Only the course's instructor or an admin.")
            raise NotFound("Course not found.")
        attempts = attempts.filter(assessment__course_id=course_id)
    return attempts.select_related("assessment", "assessment__course", "user").order_by(
        "submitted_at", "pk"
    )


def assessment_list(*, actor: User, course_id: int) -> tuple[QuerySet, bool]:
    """A course's assessments for the actor, with ``attempts_used`` (the actor's
    attempts) annotated; returns ``(assessments, manager)``.

    The course's instructor and admins (``manager``) see every assessment, retired
    ones included; an enrolled learner the ones not retired. Anyone else: 403 on a
    live course, 404 on a draft or unknown one.
    """
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    manager = is_course_manager(user=actor, course=course)
    assessments = Assessment.objects.filter(course=course)
    if not manager:
        enrolled = (
            Enrollment.objects.filter(user=actor, course=course).active().exists()
        )
        if not enrolled:
            if course.live:
                raise PermissionDenied("Enroll in the course to see its assessments.")
            raise NotFound("Course not found.")
        assessments = assessments.filter(archived_at__isnull=True)
    used = (
        Attempt.objects.filter(assessment=OuterRef("pk"), user=actor)
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assessments = assessments.annotate(
        attempts_used=Coalesce(Subquery(used, output_field=IntegerField()), 0)
    ).order_by("pk")
    return assessments, manager


# --- Learner pages (assessments.views, assessments.templatetags) --------------------


def learner_assessment_get(*, user: User, assessment_id: int) -> Assessment:
    """An assessment the user can take: not retired, in a course the user is
    enrolled in (not cancelled). Anything else (staff included) is ``NotFound``: the
    take page is the learner's own."""
    assessment = (
        Assessment.objects.select_related("course", "module")
        .filter(enrolled_q(user), pk=assessment_id, archived_at__isnull=True)
        .first()
    )
    if assessment is None:
        raise NotFound("Assessment not found.")
    return assessment


def learner_attempt_list(*, user: User, assessment: Assessment) -> QuerySet[Attempt]:
    """The user's own attempts at ``assessment``, oldest first."""
    return Attempt.objects.filter(user=user, assessment=assessment).order_by(
        "attempt_number"
    )


def learner_attempt_get(*, user: User, attempt_id: int) -> Attempt:
    """One of the user's own attempts; anyone else's is ``NotFound`` (staff review
    attempts through the API, not the learner's result page)."""
    attempt = (
        Attempt.objects.select_related(
            "assessment", "assessment__course", "assessment__module"
        )
        .filter(pk=attempt_id, user=user)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    return attempt


def learner_assessment_list(
    *, user: User, module_id: int | None = None, course_id: int | None = None
) -> QuerySet[Assessment]:
    """The assessments (not retired) of module ``module_id``, or else the course's
    own (``course_id``, not tied to a module), for a learner enrolled in the course,
    with the learner's state annotated in the same query: ``attempts_used``,
    ``best_score`` (of graded attempts in time), ``has_passed``, ``has_pending``
    (awaiting grading) and ``in_progress``. Anonymous or not enrolled: empty."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    mine = Attempt.objects.filter(assessment=OuterRef("pk"), user=user)
    best = mine.filter(
        status=AttemptStatus.GRADED, late=False, score__isnull=False
    ).order_by("-score")
    assessments = Assessment.objects.filter(enrolled_q(user), archived_at__isnull=True)
    if module_id is not None:
        assessments = assessments.filter(module_id=module_id)
    else:
        assessments = assessments.filter(course_id=course_id, module__isnull=True)
    return assessments.annotate(
        attempts_used=Count("attempts", filter=Q(attempts__user=user)),
        best_score=Subquery(best.values("score")[:1]),
        has_passed=Exists(mine.filter(passed=True)),
        has_pending=Exists(mine.filter(status=AttemptStatus.PENDING_REVIEW)),
        in_progress=Exists(mine.filter(status=AttemptStatus.IN_PROGRESS)),
    ).order_by("pk")


# --- Authoring (the Wagtail admin) -------------------------------------------------

# Attempts that count in statistics: finished and not thrown out.
COUNTED_STATUSES = (
    AttemptStatus.SUBMITTED,
    AttemptStatus.PENDING_REVIEW,
    AttemptStatus.GRADED,
)


def managed_assessments_filter(user: User) -> Q:
    """Assessments the user authors: admins all, instructors their courses'."""
    return managed_courses_q(user=user, prefix="course__")


def assessment_admin_list(*, actor: User) -> QuerySet[Assessment]:
    """The editor's listing: the actor's assessments with attempt counts and the
    numbers for a pass rate (``passed_count`` of ``decided_count``), one query."""
    counted = Q(attempts__status__in=COUNTED_STATUSES)
    return (
        Assessment.objects.filter(managed_assessments_filter(actor))
        .select_related("course", "module")
        .annotate(
            attempt_count=Count("attempts", filter=counted),
            passed_count=Count("attempts", filter=counted & Q(attempts__passed=True)),
            decided_count=Count(
                "attempts", filter=counted & Q(attempts__passed__isnull=False)
            ),
            pending_count=Count(
                "attempts",
                filter=Q(attempts__status=AttemptStatus.PENDING_REVIEW),
            ),
        )
    )


@dataclass
class QuestionStats:
    id: str
    type: str
    prompt: str
    points: float
    in_assessment: bool = True
    served: int = 0
    answered: int = 0
    graded: int = 0
    correct: int = 0
    points_total: float = 0.0

    @property
    def auto_graded(self) -> bool:
        return self.type != ESSAY

    @property
    def correct_rate(self) -> float | None:
        """Share of graded answers that were fully right (percent)."""
        return 100 * self.correct / self.graded if self.graded else None

    @property
    def average_points(self) -> float | None:
        return self.points_total / self.graded if self.graded else None


@dataclass
class AssessmentResults:
    attempts: int
    graded: int
    pending: int
    passed: int
    average_score: float | None
    questions: list[QuestionStats] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.graded if self.graded else None


def assessment_results(*, assessment: Assessment) -> AssessmentResults:
    """Results of an assessment for its authors: overall (attempts, pass rate,
    average score) from one aggregate query, and per question (times served,
    answered, correct rate, average points) from one streamed pass over the
    finished attempts' results. Questions no longer in the assessment but found in
    attempts come last. The caller checks who may see this."""
    attempts = Attempt.objects.filter(
        assessment=assessment, status__in=COUNTED_STATUSES
    )
    totals = attempts.aggregate(
        attempts=Count("pk"),
        graded=Count("pk", filter=Q(passed__isnull=False)),
        pending=Count("pk", filter=Q(status=AttemptStatus.PENDING_REVIEW)),
        passed=Count("pk", filter=Q(passed=True)),
        average_score=Avg("score", filter=Q(status=AttemptStatus.GRADED)),
    )
    stats = {
        question["id"]: QuestionStats(
            id=question["id"],
            type=question["type"],
            prompt=question.get("prompt", ""),
            points=question.get("points", 1),
        )
        for question in assessment.questions
    }
    rows = attempts.values_list("questions", "answers", "results")
    for served, answers, results in rows.iterator(chunk_size=500):
        for question in served:
            qid = question["id"]
            item = stats.get(qid)
            if item is None:
                item = stats[qid] = QuestionStats(
                    id=qid,
                    type=question.get("type", ""),
                    prompt=question.get("prompt", ""),
                    points=question.get("points", 1),
                    in_assessment=False,
                )
            item.served += 1
            if answers.get(qid) is not None:
                item.answered += 1
            result = results.get(qid) or {}
            outcome = result.get("outcome")
            if outcome and outcome != PENDING:
                item.graded += 1
                item.correct += outcome == CORRECT
                item.points_total += float(result.get("points_awarded") or 0)
    average = totals["average_score"]
    return AssessmentResults(
        attempts=totals["attempts"],
        graded=totals["graded"],
        pending=totals["pending"],
        passed=totals["passed"],
        average_score=float(average) if average is not None else None,
        questions=list(stats.values()),
    )


def assessment_has_flags(*, assessment_id: int) -> bool:
    """Whether the assessment has a flag question: one query reading the question
    types (the same on PostgreSQL and the embedded SQLite default, which has no
    JSON containment lookup)."""
    questions = unique_row(
        Assessment.objects.filter(pk=assessment_id).values_list("questions", flat=True)
    )
    return any(
        isinstance(question, dict) and question.get("type") == "flag"
        for question in questions or []
    )


def attempt_feedback(attempt: Attempt) -> list[dict]:
    """Per-question results of a submitted attempt as the learner may see them (the
    API's ``feedback`` and the result page): outcome and points, the grader's
    feedback, and the correct answer only when the assessment shows answers."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return []
    review = attempt.assessment.show_answers_after_submit
    items = []
    for question in attempt.questions:
        qid = question["id"]
        result = attempt.results.get(qid, {})
        outcome = result.get("outcome", grading.INCORRECT)
        item = {
            "question_id": qid,
            "outcome": outcome,
            "correct": None
            if outcome == grading.PENDING
            else outcome == grading.CORRECT,
            "points_awarded": result.get("points_awarded", 0),
            "points": result.get("points", question.get("points", 1)),
            "feedback": result.get("feedback") or None,
        }
        if review:
            answer = grading.correct_answer(attempt.answer_key[qid])
            if answer is not None:
                item["correct_answer"] = answer
        items.append(item)
    return items


def completing_module_ids(*, module_ids: Sequence[int]) -> set[int]:
    """The ``portal.hooks.COMPLETION_SOURCES`` answer: the modules among
    ``module_ids`` a live assessment can complete, a required one (passing it) or a
    lab with at least one flag on a ``flag`` module (capturing them all)."""
    found: set[int] = set()
    assessments = Assessment.objects.filter(
        module_id__in=module_ids, archived_at__isnull=True
    ).values_list(
        "module_id", "required_for_completion", "assessment_type", "questions"
    )
    for module_id, required, kind, questions in assessments:
        has_flag = any(question.get("type") == FLAG for question in questions)
        if required or (kind == AssessmentType.LAB and has_flag):
            found.add(module_id)
    return found

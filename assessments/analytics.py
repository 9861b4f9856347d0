"""Assessment figures for ``learning.analytics``: the answers to
``portal.hooks.COURSE_ASSESSMENT_ANALYTICS`` and ``USER_ASSESSMENT_HISTORY``,
registered in ``wagtail_hooks.py``; learning never imports this app.

One grouped query per call, whatever the number of assessments or attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Avg, Count, F, Max, Q, QuerySet

from content.models import CoursePage
from portal.accounts.models import User

from . import grading
from . import questions as q
from .models import Assessment, Attempt, AttemptStatus

RATE_PLACES = 4
SCORE_PLACES = 2
# Attempts that were handed in (or closed by the clock) and still count.
_DONE = (AttemptStatus.SUBMITTED, AttemptStatus.PENDING_REVIEW, AttemptStatus.GRADED)


def _score(value) -> float | None:
    return None if value is None else round(float(value), SCORE_PLACES)


def course_assessment_analytics(*, course: CoursePage, learners: QuerySet) -> list:
    """Per assessment of the course (retired ones included, ``archived``):
    ``attempts`` handed in by current learners (not in progress, not
    invalidated), distinct ``learners`` among them, ``passed`` learners and
    ``pass_rate`` = passed / learners, ``average_score`` of graded attempts on
    time (null without any) and attempts ``pending_review``."""
    done = Q(attempts__user_id__in=learners, attempts__status__in=_DONE)
    rows = (
        Assessment.objects.filter(course=course)
        .annotate(
            attempt_count=Count("attempts", filter=done),
            learner_count=Count("attempts__user", filter=done, distinct=True),
            passed_count=Count(
                "attempts__user",
                filter=done & Q(attempts__passed=True),
                distinct=True,
            ),
            average=Avg(
                "attempts__score",
                filter=done
                & Q(attempts__status=AttemptStatus.GRADED, attempts__late=False),
            ),
            pending=Count(
                "attempts",
                filter=done & Q(attempts__status=AttemptStatus.PENDING_REVIEW),
            ),
        )
        .order_by("pk")
        .values(
            "pk",
            "title",
            "assessment_type",
            "archived_at",
            "attempt_count",
            "learner_count",
            "passed_count",
            "average",
            "pending",
        )
    )
    return [
        {
            "id": row["pk"],
            "title": row["title"],
            "type": row["assessment_type"],
            "archived": row["archived_at"] is not None,
            "attempts": row["attempt_count"],
            "learners": row["learner_count"],
            "passed": row["passed_count"],
            "pass_rate": round(row["passed_count"] / row["learner_count"], 4)
            if row["learner_count"]
            else 0.0,
            "average_score": _score(row["average"]),
            "pending_review": row["pending"],
        }
        for row in rows
    ]


def user_assessment_history(*, user: User) -> list:
    """The user's assessments with at least one attempt, grouped per course
    (courses and assessments in id order): ``attempts`` started (any status),
    ``best_score`` of graded attempts on time (null without any), ``passed``
    (any attempt passed), ``pending_review`` and ``last_submitted_at``."""
    # Filtering on the attempts before annotating makes every aggregate count
    # only this user's attempts (the same join).
    rows = (
        Assessment.objects.filter(attempts__user=user)
        .annotate(
            attempt_count=Count("attempts"),
            best=Max(
                "attempts__score",
                filter=Q(attempts__status=AttemptStatus.GRADED, attempts__late=False),
            ),
            passed_count=Count("attempts", filter=Q(attempts__passed=True)),
            pending=Count(
                "attempts",
                filter=Q(attempts__status=AttemptStatus.PENDING_REVIEW),
            ),
            last_submitted_at=Max("attempts__submitted_at"),
            course_title=F("course__title"),
        )
        .order_by("course_id", "pk")
        .values(
            "pk",
            "title",
            "assessment_type",
            "archived_at",
            "course_id",
            "course_title",
            "attempt_count",
            "best",
            "passed_count",
            "pending",
            "last_submitted_at",
        )
    )
    courses: dict[int, dict] = {}
    for row in rows:
        course = courses.setdefault(
            row["course_id"],
            {
                "course_id": row["course_id"],
                "course_title": row["course_title"],
                "assessments": [],
            },
        )
        course["assessments"].append(
            {
                "assessment_id": row["pk"],
                "title": row["title"],
                "type": row["assessment_type"],
                "archived": row["archived_at"] is not None,
                "attempts": row["attempt_count"],
                "best_score": _score(row["best"]),
                "passed": row["passed_count"] > 0,
                "pending_review": row["pending"] > 0,
                "last_submitted_at": row["last_submitted_at"],
            }
        )
    return list(courses.values())


def learner_attention(
    *, user_ids: Sequence[int], since: datetime, until: datetime
) -> dict[int, list[str]]:
    """The ``LEARNER_ATTENTION`` answer: learners with a failed graded attempt since
    ``since``, or an attempt in progress whose deadline falls before ``until``. Two
    grouped queries, whatever the number of learners."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import Attempt

    reasons: dict[int, list[str]] = {}
    failed = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            status=AttemptStatus.GRADED,
            passed=False,
            submitted_at__gte=since,
        )
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    for row in failed:
        reasons.setdefault(row["user_id"], []).append(
            _("%(n)d failed attempt(s) recently") % {"n": row["n"]}
        )
    due = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            status=AttemptStatus.IN_PROGRESS,
            deadline__gt=timezone.now(),
            deadline__lte=until,
        )
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    for row in due:
        reasons.setdefault(row["user_id"], []).append(_("an attempt deadline is near"))
    return reasons


def course_learner_results(*, course: CoursePage, user_ids) -> dict:
    """Per learner and assessment of the course (the answer to
    ``portal.hooks.LEARNER_RESULTS``, read by the roster and the gradebook):
    ``best_score`` of graded attempts on time (null without any), ``passed`` (an
    attempt passed), ``attempts`` started and not invalidated, ``pending_review``
    (ids of attempts awaiting manual grading, oldest first) and, for labs,
    ``flags_captured``: the lab's flag questions answered right in any attempt
    handed in. Two queries, whatever the number of learners or attempts."""
    assessments = list(
        Assessment.objects.filter(course=course)
        .order_by("module__path", "pk")
        .values("pk", "title", "assessment_type", "questions", "archived_at")
    )
    flag_ids = {
        a["pk"]: {
            question.get("id")
            for question in a["questions"]
            if isinstance(question, dict) and question.get("type") == q.FLAG
        }
        for a in assessments
    }
    header = [
        {
            "id": a["pk"],
            "title": a["title"],
            "type": a["assessment_type"],
            "archived": a["archived_at"] is not None,
            "flags_total": len(flag_ids[a["pk"]]),
        }
        for a in assessments
    ]
    attempts = (
        Attempt.objects.filter(assessment__course=course, user_id__in=list(user_ids))
        .exclude(status=AttemptStatus.INVALIDATED)
        .order_by("submitted_at", "pk")
        .values(
            "pk",
            "assessment_id",
            "user_id",
            "status",
            "score",
            "passed",
            "late",
            "results",
        )
    )
    rows: dict[int, dict] = {}
    captured: dict[tuple[int, int], set] = {}
    for attempt in attempts:
        cell = rows.setdefault(attempt["user_id"], {}).setdefault(
            attempt["assessment_id"],
            {
                "best_score": None,
                "passed": False,
                "attempts": 0,
                "pending_review": [],
                "flags_captured": 0,
            },
        )
        cell["attempts"] += 1
        cell["passed"] = cell["passed"] or bool(attempt["passed"])
        if attempt["status"] == AttemptStatus.PENDING_REVIEW:
            cell["pending_review"].append(attempt["pk"])
        score = _score(attempt["score"])
        if (
            attempt["status"] == AttemptStatus.GRADED
            and not attempt["late"]
            and score is not None
            and (cell["best_score"] is None or score > cell["best_score"])
        ):
            cell["best_score"] = score
        flags = flag_ids.get(attempt["assessment_id"])
        if flags and attempt["status"] in _DONE:
            got = captured.setdefault(
                (attempt["user_id"], attempt["assessment_id"]), set()
            )
            for qid, result in (attempt["results"] or {}).items():
                if qid in flags and result.get("outcome") == grading.CORRECT:
                    got.add(qid)
            cell["flags_captured"] = len(got)
    return {"assessments": header, "rows": rows}


def best_scores(
    *, user_ids: Sequence[int], course_ids: Sequence[int]
) -> dict[tuple[int, int], float]:
    """The best on-time graded score per (user, course) over every assessment of
    the course (``portal.hooks.BEST_SCORES``), in one grouped query."""
    rows = (
        Attempt.objects.filter(
            user_id__in=list(user_ids),
            assessment__course_id__in=list(course_ids),
            status=AttemptStatus.GRADED,
            late=False,
            score__isnull=False,
        )
        .values("user_id", "assessment__course_id")
        .annotate(best=Max("score"))
    )
    return {
        (row["user_id"], row["assessment__course_id"]): _score(row["best"])
        for row in rows
    }

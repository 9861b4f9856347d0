"""This app's answers to the skills extension points (``portal.hooks``): what a
learner demonstrated, and which statements a course's questions carry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assessments.grading import CORRECT
from assessments.models import Attempt, AttemptStatus
from assessments.questions import FLAG

from .models import QuestionStatementTag

# A question counts in a passed attempt once it is graded; a flag is captured when
# answered right in any counted attempt that was neither late nor invalidated.
FLAG_STATUSES = (
    AttemptStatus.SUBMITTED,
    AttemptStatus.PENDING_REVIEW,
    AttemptStatus.GRADED,
)


def skill_evidence(*, user_ids: Sequence[int]) -> list[dict]:
    """Evidence rows (``portal.hooks.SkillEvidence``) in two queries: the tags of the
    assessments the learners attempted, and those attempts."""
    user_ids = list(user_ids)
    tags = defaultdict(list)
    tagged = QuestionStatementTag.objects.filter(
        assessment__in=Attempt.objects.filter(user_id__in=user_ids).values(
            "assessment_id"
        )
    ).select_related("statement", "assessment")
    # What the rows use: not the assessments' questions, which every tag of an
    # assessment would otherwise read (and parse) again.
    tagged = tagged.only(
        "assessment_id",
        "question_id",
        "statement__nice_id",
        "assessment__title",
        "assessment__course_id",
    )
    for tag in tagged:
        tags[tag.assessment_id].append(tag)
    if not tags:
        return []
    attempts = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            assessment_id__in=list(tags),
            status__in=FLAG_STATUSES,
            late=False,
            invalidated_at=None,
        )
        .only(
            "id",
            "user_id",
            "assessment_id",
            "passed",
            "status",
            "results",
            "answer_key",
            "submitted_at",
            "graded_at",
        )
        .order_by("submitted_at", "pk")
    )
    rows: list[dict] = []
    seen: set[tuple[int, str, int, str]] = set()
    for attempt in attempts:
        for tag in tags[attempt.assessment_id]:
            question = attempt.answer_key.get(tag.question_id)
            result = attempt.results.get(tag.question_id) or {}
            if question is None or result.get("outcome") != CORRECT:
                continue
            is_flag = question.get("type") == FLAG
            if not is_flag and not (
                attempt.passed and attempt.status == AttemptStatus.GRADED
            ):
                continue
            key = (
                attempt.user_id,
                tag.statement.nice_id,
                tag.assessment_id,
                tag.question_id,
            )
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "user_id": attempt.user_id,
                    "statement": tag.statement.nice_id,
                    "source": "flag" if is_flag else "question",
                    "title": f"{tag.assessment.title} · {tag.question_id}",
                    "assessment_id": tag.assessment_id,
                    "course_id": tag.assessment.course_id,
                    "at": attempt.graded_at or attempt.submitted_at,
                }
            )
    return rows


def course_question_statements(
    *, course_ids: Sequence[int] | None
) -> dict[int, set[str]]:
    """{course id: NICE ids its (not retired) assessments' questions carry}."""
    tags = QuestionStatementTag.objects.filter(assessment__archived_at=None)
    if course_ids is not None:
        tags = tags.filter(assessment__course_id__in=list(course_ids))
    mapping: dict[int, set[str]] = defaultdict(set)
    for course_id, nice_id in tags.values_list(
        "assessment__course_id", "statement__nice_id"
    ):
        mapping[course_id].add(nice_id)
    return dict(mapping)

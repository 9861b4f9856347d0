"""This app's answers to the personal-data extension points (``portal.hooks``):
attempts (questions served, answers, grades) and their proctoring records, and
assessments an author created or attempts a grader graded.

Erasure deletes the person's attempts with their answers, proctoring sessions
and events; what an author or grader did stays with the assessments and the
learners' attempts, pointing at the anonymized account."""

from __future__ import annotations

from django.db.models import Q

from portal.hooks import Erasure, personal_data_covers

from .models import Assessment, Attempt, ProctorEvent, ProctorSession

RELATIONS = (
    "assessments.Assessment.created_by",
    "assessments.Attempt.user",
    "assessments.Attempt.graded_by",
    "assessments.Attempt.invalidated_by",
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    attempts = Attempt.objects.filter(user=user).select_related("assessment")
    return {
        "assessments.attempts": [
            {
                "assessment_id": a.assessment_id,
                "assessment_title": a.assessment.title,
                "course_id": a.assessment.course_id,
                "attempt_number": a.attempt_number,
                "status": a.status,
                "questions": a.questions,
                "answers": a.answers,
                "results": a.results,
                "score": a.score,
                "passed": a.passed,
                "started_at": a.started_at,
                "submitted_at": a.submitted_at,
                "graded_at": a.graded_at,
                "late": a.late,
                "ip_address": a.ip_address,
                "user_agent": a.user_agent,
                "invalidated_at": a.invalidated_at,
                "invalidation_reason": a.invalidation_reason,
            }
            for a in attempts.order_by("started_at", "pk")
        ],
        "assessments.proctoring_sessions": list(
            ProctorSession.objects.filter(attempt__user=user)
            .order_by("created_at")
            .values("attempt_id", "ip_address", "user_agent", "created_at", "ended_at")
        ),
        "assessments.proctoring_events": list(
            ProctorEvent.objects.filter(attempt__user=user)
            .order_by("recorded_at")
            .values(
                "attempt_id",
                "kind",
                "occurred_at",
                "recorded_at",
                "ip_address",
                "user_agent",
                "details",
            )
        ),
        "assessments.authored": list(
            Assessment.objects.filter(created_by=user).values(
                "id", "title", "created_at"
            )
        ),
        "assessments.attempts_graded": list(
            Attempt.objects.filter(Q(graded_by=user) | Q(invalidated_by=user)).values(
                "id", "graded_at", "invalidated_at"
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    attempts = Attempt.objects.filter(user=user)
    proctor_sessions = ProctorSession.objects.filter(attempt__user=user).count()
    proctor_events = ProctorEvent.objects.filter(attempt__user=user).count()
    rows = attempts.count()
    attempts.delete()
    return [
        Erasure("assessments.Attempt", Erasure.DELETED, rows),
        Erasure("assessments.ProctorSession", Erasure.DELETED, proctor_sessions),
        Erasure("assessments.ProctorEvent", Erasure.DELETED, proctor_events),
        Erasure(
            "assessments.Assessment",
            Erasure.KEPT,
            Assessment.objects.filter(created_by=user).count(),
            "Assessments belong to the courses; they point at the anonymized "
            "account as author.",
        ),
        Erasure(
            "assessments.Attempt",
            Erasure.KEPT,
            Attempt.objects.filter(Q(graded_by=user) | Q(invalidated_by=user)).count(),
            "Learners' attempts the person graded or invalidated are the learners' "
            "records; they point at the anonymized account.",
        ),
    ]

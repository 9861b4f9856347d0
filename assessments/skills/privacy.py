"""This app's answers to the personal-data extension points (``portal.hooks``):
question tags an author set (authoring, kept on erasure)."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import QuestionStatementTag

RELATIONS = ("assessment_skills.QuestionStatementTag.created_by",)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "assessment_skills.question_tags_created": list(
            QuestionStatementTag.objects.filter(created_by=user).values(
                "assessment_id", "statement__nice_id"
            )
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    return [
        Erasure(
            "assessment_skills.QuestionStatementTag",
            Erasure.KEPT,
            QuestionStatementTag.objects.filter(created_by=user).count(),
            "The assessments' mapping to the NICE Framework; it points at the "
            "anonymized account.",
        )
    ]

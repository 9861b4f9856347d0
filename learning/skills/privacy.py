"""This app's answers to the personal-data extension points (``portal.hooks``):
the NICE Framework tags and work roles an author set on courses (authoring, kept
on erasure: the catalog's mapping is the organization's)."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import CourseWorkRole, ModuleStatementTag

RELATIONS = ("skills.ModuleStatementTag.created_by", "skills.CourseWorkRole.set_by")
WHY = (
    "The catalog's mapping to the NICE Framework; it points at the anonymized account."
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "skills.module_tags_created": list(
            ModuleStatementTag.objects.filter(created_by=user).values(
                "module_id", "statement__nice_id", "purpose"
            )
        ),
        "skills.course_work_roles_set": list(
            CourseWorkRole.objects.filter(set_by=user).values(
                "course_id", "work_role__nice_id"
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    return [
        Erasure(
            "skills.ModuleStatementTag",
            Erasure.KEPT,
            ModuleStatementTag.objects.filter(created_by=user).count(),
            WHY,
        ),
        Erasure(
            "skills.CourseWorkRole",
            Erasure.KEPT,
            CourseWorkRole.objects.filter(set_by=user).count(),
            WHY,
        ),
    ]

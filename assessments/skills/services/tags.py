"""Tagging assessment questions and lab flags with NICE statements."""

from __future__ import annotations

from django.db import transaction

from assessments.models import Assessment
from content.access import is_course_manager
from learning.skills.models import Statement, TagPurpose
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput, PermissionDenied

from ..models import QuestionStatementTag


def _require_manager(*, actor: User | None, assessment: Assessment) -> None:
    if actor is not None and not is_course_manager(
        user=actor, course=assessment.course
    ):
        raise PermissionDenied("Only the course's instructor or an admin may do this.")


@transaction.atomic
def question_tag_set(
    *,
    actor: User | None,
    assessment: Assessment,
    question_id: str,
    statement: Statement,
    purpose: str = TagPurpose.ASSESSES,
) -> QuestionStatementTag:
    """Tag question ``question_id`` of ``assessment`` (a lab flag when the question
    is a ``flag``) with ``statement``. Errors: 400 for a question the assessment does
    not have or an unknown purpose; 403 unless the actor manages the course
    (``actor=None`` is the system)."""
    _require_manager(actor=actor, assessment=assessment)
    if purpose not in TagPurpose.values:
        raise InvalidInput("Unknown purpose.", field="purpose")
    if question_id not in {q.get("id") for q in assessment.questions}:
        raise InvalidInput(
            "The assessment has no question with this id.", field="question_id"
        )
    tag, _ = QuestionStatementTag.objects.update_or_create(
        assessment=assessment,
        question_id=question_id,
        statement=statement,
        defaults={"purpose": purpose},
        create_defaults={"purpose": purpose, "created_by": actor},
    )
    audit_log_record(
        action="skills.question_tagged",
        user=actor,
        resource_type="assessment",
        resource_id=assessment.pk,
        details={
            "question_id": question_id,
            "statement": statement.nice_id,
            "purpose": purpose,
        },
    )
    return tag


@transaction.atomic
def question_tag_delete(*, actor: User | None, tag: QuestionStatementTag) -> None:
    _require_manager(actor=actor, assessment=tag.assessment)
    audit_log_record(
        action="skills.question_untagged",
        user=actor,
        resource_type="assessment",
        resource_id=tag.assessment_id,
        details={"question_id": tag.question_id, "statement": tag.statement.nice_id},
    )
    tag.delete()

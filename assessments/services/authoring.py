"""Authoring assessments: create, edit (whole or in part), retire, restore, delete.

Only the course's managers (its instructor, admins) author; the input checks are in
``validation``.
"""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.utils import timezone

from content.access import is_course_manager
from content.models import CoursePage
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from ..models import QUESTION_SCHEMA_VERSION, Assessment
from .validation import (
    AUTHORED_DEFAULTS,
    AUTHORED_FIELDS,
    AuthoredFields,
    assessment_settings_check,
    plain_text,
    pool_size_check,
    questions_validate_keeping_flags,
)

# Authored fields stored as given; the others are cleaned (title, lab
# instructions), validated into another shape (questions) or resolved (module).
_STORED_AS_GIVEN = tuple(
    name
    for name in AUTHORED_FIELDS
    if name not in {"title", "questions", "module_id", "lab_instructions"}
)


def _managed_course(actor: User, course_id: int) -> CoursePage:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not is_course_manager(user=actor, course=course):
        if course is not None and course.live:
            raise PermissionDenied(
                "Only the course's instructor or an admin may add assessments."
            )
        raise NotFound("Course not found.")
    return course


def _assessment_save(
    assessment: Assessment,
    course: CoursePage,
    *,
    actor: User,
    action: str,
    fields: AuthoredFields,
) -> None:
    """Validate and store the authored fields of ``assessment`` in ``course``, then
    audit ``action``; shared by ``assessment_create`` and ``assessment_update``.

    The settings are checked first, then the questions (a flag question without a
    flag keeps the one stored under its id), then the pool size; nothing is saved
    before all pass. Raises ``InvalidInput`` naming the field.
    """
    f = {**AUTHORED_DEFAULTS, **fields}
    module = assessment_settings_check(course=course, fields=f)
    stored = questions_validate_keeping_flags(
        raw=f["questions"], salt=assessment.flag_salt, current=assessment.questions
    )
    pool_size_check(pool_size=f["pool_size"], stored=stored)
    assessment.course = course
    assessment.module = module
    for name in _STORED_AS_GIVEN:
        setattr(assessment, name, f[name])
    assessment.title = f["title"].strip()
    assessment.questions = stored
    assessment.schema_version = QUESTION_SCHEMA_VERSION
    assessment.lab_instructions = plain_text(value=f["lab_instructions"])
    assessment.save()
    audit_log_record(
        action=action,
        user=actor,
        resource_type="assessment",
        resource_id=assessment.pk,
        details={"course_id": course.pk, "questions": len(stored)},
    )


@transaction.atomic
def assessment_create(
    *, actor: User, course_id: int, **fields: Unpack[AuthoredFields]
) -> Assessment:
    """Create an assessment in a course the actor manages (its instructor, admins).

    Errors: 404 unknown course (or a draft the actor does not manage); 403 a live
    course the actor does not manage; 400 invalid fields or questions (the message
    names each question path, ``field`` the first).
    """
    course = _managed_course(actor, course_id)
    assessment = Assessment(course=course, created_by=actor)
    _assessment_save(
        assessment, course, actor=actor, action="assessment.created", fields=fields
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
    if assessment is None or not is_course_manager(
        user=actor, course=assessment.course
    ):
        raise NotFound("Assessment not found.")
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: User,
    assessment_id: int,
    course_id: int | None = None,
    **fields: Unpack[AuthoredFields],
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
    _assessment_save(
        assessment, course, actor=actor, action="assessment.updated", fields=fields
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


def _check_may_author(actor: User, assessment_id: int) -> Assessment:
    """The API's access rule for changing an assessment: its course's instructor
    and admins; 403 for anyone else on a live course (a public resource), 404 on a
    draft course or for an unknown id."""
    assessment = (
        Assessment.objects.select_related("course").filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise NotFound("Assessment not found.")
    if not is_course_manager(user=actor, course=assessment.course):
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

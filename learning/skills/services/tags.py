"""Mapping content to the NICE Framework: module tags and a course's primary role."""

from __future__ import annotations

from django.db import transaction

from content.access import is_course_manager
from content.models import CoursePage, ModulePage
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput, PermissionDenied

from ..models import (
    CourseWorkRole,
    ModuleStatementTag,
    Statement,
    TagPurpose,
    WorkRole,
)


def _require_manager(*, actor: User | None, course: CoursePage) -> None:
    if actor is not None and not is_course_manager(user=actor, course=course):
        raise PermissionDenied("Only the course's instructor or an admin may do this.")


@transaction.atomic
def module_tag_set(
    *,
    actor: User | None,
    module: ModulePage,
    statement: Statement,
    purpose: str = TagPurpose.TEACHES,
) -> ModuleStatementTag:
    """Tag ``module`` as teaching or assessing ``statement`` (updates the purpose of
    an existing tag). ``actor=None`` is the system (demo, imports)."""
    if purpose not in TagPurpose.values:
        raise InvalidInput("Unknown purpose.", field="purpose")
    _require_manager(actor=actor, course=module.get_parent().specific)
    tag, _created = ModuleStatementTag.objects.update_or_create(
        module=module,
        statement=statement,
        defaults={"purpose": purpose},
        create_defaults={"purpose": purpose, "created_by": actor},
    )
    audit_log_record(
        action="skills.module_tagged",
        user=actor,
        resource_type="module",
        resource_id=module.pk,
        details={"statement": statement.nice_id, "purpose": purpose},
    )
    return tag


@transaction.atomic
def module_tag_delete(*, actor: User | None, tag: ModuleStatementTag) -> None:
    _require_manager(actor=actor, course=tag.module.get_parent().specific)
    audit_log_record(
        action="skills.module_untagged",
        user=actor,
        resource_type="module",
        resource_id=tag.module_id,
        details={"statement": tag.statement.nice_id},
    )
    tag.delete()


@transaction.atomic
def course_primary_role_set(
    *, actor: User | None, course: CoursePage, work_role: WorkRole | None
) -> CourseWorkRole | None:
    """Set (or clear, with ``None``) the work role a course primarily prepares for."""
    _require_manager(actor=actor, course=course)
    audit_log_record(
        action="skills.course_primary_role_set",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"work_role": work_role.nice_id if work_role else None},
    )
    if work_role is None:
        CourseWorkRole.objects.filter(course=course).delete()
        return None
    primary, _ = CourseWorkRole.objects.update_or_create(
        course=course, defaults={"work_role": work_role, "set_by": actor}
    )
    return primary

"""Mentorship: pair a mentor with a learner (the mentor then sees them), end it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.accounts.services import user_view_grant, user_view_revoke
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput

from ..models import MentorAssignment


@transaction.atomic
def mentor_assign(
    *, mentor: User, mentee: User, assigned_by: User | None = None
) -> MentorAssignment:
    """Pair a mentor with a learner and let the mentor see the learner."""
    if mentor.role != Role.MENTOR:
        raise InvalidInput(
            "Only users with the mentor role can mentor.", field="mentor"
        )
    if mentor.pk == mentee.pk:
        raise InvalidInput("A mentor cannot mentor themselves.", field="mentee")
    try:
        with transaction.atomic():
            assignment = MentorAssignment.objects.create(
                mentor=mentor, mentee=mentee, assigned_by=assigned_by
            )
    except IntegrityError:
        raise Conflict("This mentor is already assigned to this learner.") from None
    user_view_grant(viewer=mentor, user=mentee)
    audit_log_record(
        action="mentorship.assigned",
        user=assigned_by,
        resource_type="user",
        resource_id=mentee.pk,
        details={"mentor_id": mentor.pk},
    )
    return assignment


@transaction.atomic
def mentor_unassign(
    *, assignment: MentorAssignment, ended_by: User | None = None
) -> None:
    """End an assignment; the mentor stops seeing the learner."""
    if assignment.ended_at is not None:
        return
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    user_view_revoke(viewer=assignment.mentor, user=assignment.mentee)
    audit_log_record(
        action="mentorship.ended",
        user=ended_by,
        resource_type="user",
        resource_id=assignment.mentee_id,
        details={"mentor_id": assignment.mentor_id},
    )

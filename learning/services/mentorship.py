"""Mentorship: pair a mentor with a learner (the mentor then sees them), end it.

Scheduling, notes, reviews and requests are in the nested app
``learning.mentorship``; this module owns the assignment itself and the access it
grants, so that every way of assigning or ending (admin, API, demo) grants and
revokes the same way."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CoursePage
from portal.accounts.models import Role, User
from portal.accounts.services import user_view_grant, user_view_revoke
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput

from ..models import MentorAssignment


@transaction.atomic
def mentor_assign(
    *,
    mentor: User,
    mentee: User,
    assigned_by: User | None = None,
    course: CoursePage | None = None,
) -> MentorAssignment:
    """Pair a mentor with a learner (optionally for one course) and let the mentor
    see the learner. ``InvalidInput`` unless ``mentor`` holds the mentor role now;
    ``Conflict`` when the pair already has an active assignment."""
    if mentor.role != Role.MENTOR or not mentor.is_active:
        raise InvalidInput(
            "Only users with the mentor role can mentor.", field="mentor_id"
        )
    if mentor.pk == mentee.pk:
        raise InvalidInput("A mentor cannot mentor themselves.", field="mentee_id")
    if not mentee.is_active:
        raise InvalidInput("This learner's account is not active.", field="mentee_id")
    try:
        with transaction.atomic():
            assignment = MentorAssignment.objects.create(
                mentor=mentor, mentee=mentee, assigned_by=assigned_by, course=course
            )
    except IntegrityError:
        raise Conflict("This mentor is already assigned to this learner.") from None
    user_view_grant(viewer=mentor, user=mentee)
    audit_log_record(
        action="mentorship.assigned",
        user=assigned_by,
        resource_type="user",
        resource_id=mentee.pk,
        details={
            "mentor_id": mentor.pk,
            "assignment_id": assignment.pk,
            "course_id": course.pk if course else None,
        },
    )
    return assignment


@transaction.atomic
def mentor_unassign(
    *, assignment: MentorAssignment, ended_by: User | None = None
) -> MentorAssignment:
    """End an assignment; the mentor stops seeing the learner at once (the object
    grant is removed in the same transaction). Ending twice changes nothing."""
    assignment = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_at is not None:
        return assignment
    assignment.ended_at = timezone.now()
    assignment.ended_by = ended_by
    assignment.save(update_fields=["ended_at", "ended_by"])
    # Another active assignment of the same pair cannot exist (unique constraint),
    # so the grant goes with this one.
    user_view_revoke(viewer=assignment.mentor, user=assignment.mentee)
    audit_log_record(
        action="mentorship.ended",
        user=ended_by,
        resource_type="user",
        resource_id=assignment.mentee_id,
        details={"mentor_id": assignment.mentor_id, "assignment_id": assignment.pk},
    )
    return assignment

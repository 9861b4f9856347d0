"""Assignments through this app's faces (API, Django admin): the pairing itself is
``learning.services.mentor_assign`` / ``mentor_unassign``; here are the requests
it fulfils, the sessions ending cancels and the messages both people get."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CoursePage
from learning.models import MentorAssignment
from learning.services import mentor_assign, mentor_unassign
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound
from portal.notifications.services import notify

from ..models import MentoringSession, MentorRequest, MentorRequestStatus, SessionStatus
from .sessions import session_cancel


def _user(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise InvalidInput("No such user.", field=field)
    return user


@transaction.atomic
def mentorship_create(
    *,
    actor: User,
    mentor_id: int,
    mentee_id: int,
    course_id: int | None = None,
) -> MentorAssignment:
    """Assign a mentor to a learner (admins; the API checks the role). Fulfils the
    learner's open request, tells both people. ``InvalidInput`` for an unknown
    user or course, or a mentor without the mentor role; ``Conflict`` when the
    pair is already active."""
    mentor = _user(mentor_id, "mentor_id")
    mentee = _user(mentee_id, "mentee_id")
    course = None
    if course_id is not None:
        course = CoursePage.objects.filter(pk=course_id).first()
        if course is None:
            raise InvalidInput("No such course.", field="course_id")
    assignment = mentor_assign(
        mentor=mentor, mentee=mentee, assigned_by=actor, course=course
    )
    MentorRequest.objects.filter(
        learner=mentee, status=MentorRequestStatus.OPEN
    ).update(
        status=MentorRequestStatus.FULFILLED,
        resolved_at=timezone.now(),
        resolved_by=actor,
        assignment=assignment,
    )
    payload = {
        "mentor": mentor.get_full_name() or mentor.email,
        "mentee": mentee.get_full_name() or mentee.email,
        "course": course.title if course else "",
        "assignment_id": assignment.pk,
    }
    notify(
        user=mentee, event="mentorship.assigned", payload={**payload, "to": "mentee"}
    )
    notify(
        user=mentor, event="mentorship.assigned", payload={**payload, "to": "mentor"}
    )
    return assignment


@transaction.atomic
def mentorship_end(*, actor: User, assignment: MentorAssignment) -> MentorAssignment:
    """End an assignment: the mentor loses access to the learner at once, and the
    sessions still to come are cancelled (both people get the cancellation)."""
    assignment = mentor_unassign(assignment=assignment, ended_by=actor)
    coming = MentoringSession.objects.filter(
        assignment=assignment, status=SessionStatus.BOOKED, end__gt=timezone.now()
    ).select_related("mentor", "mentee")
    for session in coming:
        session_cancel(actor=actor, session=session, check=False)
    return assignment


@transaction.atomic
def mentor_request_create(
    *, actor: User, course_id: int | None = None, message: str = ""
) -> MentorRequest:
    """A learner asks for a mentor. ``Conflict`` with one already open."""
    course = None
    if course_id is not None:
        course = CoursePage.objects.live().filter(pk=course_id).first()
        if course is None:
            raise InvalidInput("No such course.", field="course_id")
    try:
        with transaction.atomic():
            request = MentorRequest.objects.create(
                learner=actor, course=course, message=message
            )
    except IntegrityError:
        raise Conflict("You already have an open request for a mentor.") from None
    audit_log_record(
        action="mentorship.requested",
        user=actor,
        resource_type="mentor_request",
        resource_id=request.pk,
        details={"course_id": course_id},
    )
    return request


@transaction.atomic
def mentor_request_resolve(
    *, actor: User, request: MentorRequest, status: str
) -> MentorRequest:
    """Decline (admins) or withdraw (the learner) an open request."""
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MentorRequestStatus.OPEN:
        raise Conflict("This request is no longer open.")
    if status not in (MentorRequestStatus.DECLINED, MentorRequestStatus.WITHDRAWN):
        raise NotFound("Unknown outcome.")
    request.status = status
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.save(update_fields=["status", "resolved_at", "resolved_by"])
    return request

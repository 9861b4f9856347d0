"""Seat pools and enrolling a member on a seat.

Every enrollment on a seat locks the organization's pools for the course first
(``select_for_update``, in id order), counts the seats in use and only then enrolls,
so racing requests take at most ``quantity`` seats. The lock order is: seat pools,
then the course row (``enrollment_create``), then the enrollment row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from content.models import CoursePage
from learning.models import Enrollment, EnrollmentSource
from learning.services import enrollment_create
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role, is_admin
from portal.audit.services import audit_log_record
from portal.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)

from ..models import Organization, OrganizationMembership, SeatAssignment, SeatPool

Membership = OrganizationMembership


class NoSeatsLeft(Conflict):
    code = "NO_SEATS_LEFT"


@transaction.atomic
def seat_pool_create(
    *,
    actor: User,
    organization: Organization,
    course_id: int,
    quantity: int,
    expires_at: datetime | None = None,
) -> SeatPool:
    """Admins sell an organization ``quantity`` seats in a course."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators add seats.")
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise InvalidInput("No course with this id.", field="course_id")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput("The expiry must be in the future.", field="expires_at")
    pool = SeatPool.objects.create(
        organization=organization,
        course=course,
        quantity=quantity,
        expires_at=expires_at,
        created_by=actor,
    )
    audit_log_record(
        action="organization.seats_added",
        user=actor,
        resource_type="organization",
        resource_id=organization.pk,
        details={"pool_id": pool.pk, "course_id": course.pk, "quantity": quantity},
    )
    return pool


def _pool_with_a_free_seat(*, organization: Organization, course_id: int):
    """Lock the organization's valid pools for the course and return the first with
    a free seat (soonest to expire first), or ``None``."""
    now = timezone.now()
    pools = list(
        SeatPool.objects.select_for_update()
        .filter(organization=organization, course_id=course_id)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by(F("expires_at").asc(nulls_last=True), "pk")
    )
    if not pools:
        return None
    used = dict(
        SeatAssignment.objects.filter(pool__in=pools, released_at__isnull=True)
        .values("pool")
        .annotate(n=Count("pk"))
        .values_list("pool", "n")
    )
    for pool in pools:
        if used.get(pool.pk, 0) < pool.quantity:
            return pool
    return None


@transaction.atomic
def seat_enrollment_create(
    *, actor: User, organization: Organization, user: User, course_id: int
) -> Enrollment:
    """Enroll ``user`` (a current member of ``organization``; the caller checked)
    in a course on one of the organization's seats.

    Errors: ``ALREADY_ENROLLED`` (no seat is taken), ``NO_SEATS_LEFT``, and those of
    ``enrollment_create`` (``NotFound`` for a missing, draft or archived course,
    ``COURSE_FULL``…)."""
    if Enrollment.objects.filter(user=user, course_id=course_id).active().exists():
        raise Conflict("Already enrolled in this course.", code="ALREADY_ENROLLED")
    pool = _pool_with_a_free_seat(organization=organization, course_id=course_id)
    if pool is None:
        if not CoursePage.objects.filter(pk=course_id).exists():
            raise NotFound("Course not found.")
        raise NoSeatsLeft("Your organization has no seat left in this course.")
    enrollment = enrollment_create(
        actor=actor, course_id=course_id, user=user, source=EnrollmentSource.CORPORATE
    )
    # A seat kept after a late cancellation is used again, not taken twice.
    if not SeatAssignment.objects.filter(
        enrollment=enrollment, released_at__isnull=True
    ).exists():
        SeatAssignment.objects.create(
            pool=pool,
            enrollment=enrollment,
            user=user,
            assigned_at=timezone.now(),
            assigned_by=actor,
        )
    audit_log_record(
        action="organization.seat_used",
        user=actor,
        resource_type="organization",
        resource_id=organization.pk,
        details={"pool_id": pool.pk, "learner_id": user.pk, "course_id": course_id},
    )
    return enrollment


def seat_enroll_if_possible(
    *, actor: User, organization: Organization, user: User, course_id: int
) -> Enrollment | None:
    """``seat_enrollment_create`` that answers ``None`` instead of refusing (an
    accepted invitation still makes the person a member)."""
    try:
        with transaction.atomic():
            return seat_enrollment_create(
                actor=actor, organization=organization, user=user, course_id=course_id
            )
    except DomainError:
        return None


def representative_enrollment(
    *, actor: User, user_id: int, course_id: int
) -> Enrollment | None:
    """``portal.hooks.ENROLL_ON_BEHALF``: a corporate representative enrolls a
    current member of an organization she represents, on one of its seats. Someone
    outside her organizations is ``NotFound``; actors who are not representatives
    are none of this answer's business (``None``)."""
    if effective_role(actor) != Role.CORPORATE_REP:
        return None
    represented = Membership.objects.current().filter(
        user=actor, role=Membership.Role.REPRESENTATIVE
    )
    membership = (
        Membership.objects.current()
        .filter(
            user_id=user_id,
            role=Membership.Role.MEMBER,
            organization_id__in=represented.values("organization_id"),
        )
        .select_related("organization", "user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise NotFound("User not found.", field="user_id")
    return seat_enrollment_create(
        actor=actor,
        organization=membership.organization,
        user=membership.user,
        course_id=course_id,
    )


def seat_release_on_cancel(*, enrollment: Enrollment, actor: User) -> None:
    """``portal.hooks.ENROLLMENT_CANCELLED``: the seat goes back to its pool when
    the enrollment is cancelled within ``SEAT_RETURN_WINDOW_DAYS`` of taking it."""
    window = timedelta(days=settings.SEAT_RETURN_WINDOW_DAYS)
    assignment = (
        SeatAssignment.objects.select_for_update()
        .filter(enrollment=enrollment, released_at__isnull=True)
        .first()
    )
    if assignment is None:
        return
    now = timezone.now()
    if now - assignment.assigned_at > window:
        return
    assignment.released_at = now
    assignment.save(update_fields=["released_at"])
    audit_log_record(
        action="organization.seat_returned",
        user=actor,
        resource_type="organization",
        resource_id=assignment.pool.organization_id,
        details={"pool_id": assignment.pool_id, "learner_id": enrollment.user_id},
    )

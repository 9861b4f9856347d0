"""Reads for the partner side, scoped in the query: admins see every organization,
a representative the ones she represents now, nobody else any (``NotFound``)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from learning.models import (
    ACTIVE_ENROLLMENT,
    Certificate,
    Enrollment,
    EnrollmentStatus,
    ModuleProgress,
)
from portal import hooks as portal_hooks
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role, is_admin
from portal.errors import NotFound

from .models import (
    Invitation,
    Organization,
    OrganizationMembership,
    SeatAssignment,
    SeatPool,
)

Membership = OrganizationMembership


def represented_organization_ids(*, actor: User) -> QuerySet:
    """Ids of the organizations ``actor`` represents now (a values queryset)."""
    if effective_role(actor) != Role.CORPORATE_REP:
        return Membership.objects.none().values("organization_id")
    return (
        Membership.objects.current()
        .filter(user=actor, role=Membership.Role.REPRESENTATIVE)
        .values("organization_id")
    )


def organization_list(*, actor: User) -> QuerySet[Organization]:
    if is_admin(actor):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=represented_organization_ids(actor=actor))


def organization_get_visible(*, actor: User, organization_id: int) -> Organization:
    organization = organization_list(actor=actor).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("Organization not found.")
    return organization


def organization_get_by_slug(*, actor: User, slug: str) -> Organization:
    organization = organization_list(actor=actor).filter(slug=slug).first()
    if organization is None:
        raise NotFound("Organization not found.")
    return organization


# --- Members -----------------------------------------------------------------------


def member_list(
    *,
    organization: Organization,
    q: str = "",
    role: str = "",
    progress: str = "",
) -> QuerySet[Membership]:
    """Current members with a progress summary per person (annotations
    ``course_count``, ``completed_count``, ``average_progress``, ``last_activity``),
    one query whatever the number of members. Filters: ``q`` (e-mail or name),
    ``role``, ``progress`` (``not_started`` / ``in_progress`` / ``completed``)."""
    active = Q(user__enrollments__status__in=[EnrollmentStatus.ACTIVE, "completed"])
    members = (
        Membership.objects.current()
        .filter(organization=organization)
        .select_related("user")
        .annotate(
            course_count=Count("user__enrollments", filter=active, distinct=True),
            completed_count=Count(
                "user__enrollments",
                filter=Q(user__enrollments__status=EnrollmentStatus.COMPLETED),
                distinct=True,
            ),
            average_progress=Avg(
                "user__enrollments__progress_percentage", filter=active
            ),
            last_activity=Max("user__enrollments__last_accessed"),
        )
        .order_by("user__email", "pk")
    )
    if q:
        members = members.filter(
            Q(user__email__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
        )
    if role:
        members = members.filter(role=role)
    return _progress_filter(members, progress)


def _progress_filter(members: QuerySet, progress: str) -> QuerySet:
    if progress == "not_started":
        return members.filter(Q(average_progress__isnull=True) | Q(average_progress=0))
    if progress == "in_progress":
        return members.filter(average_progress__gt=0).exclude(
            completed_count=F("course_count")
        )
    if progress == "completed":
        return members.filter(course_count__gt=0, completed_count=F("course_count"))
    return members


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The organizations ``user`` is a current member of (role member: whose
    representatives see her progress), with the organization, by name."""
    return (
        Membership.objects.current()
        .filter(user=user, role=Membership.Role.MEMBER)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )


def own_membership(*, user: User, organization_id: int) -> Membership | None:
    """``user``'s current membership (role member) of one organization, which she
    may end herself; ``None`` when she is not a member of it."""
    return memberships_of(user=user).filter(organization_id=organization_id).first()


def member_get(*, organization: Organization, user_id: int) -> Membership:
    membership = (
        Membership.objects.current()
        .filter(organization=organization, user_id=user_id)
        .select_related("user", "organization")
        .first()
    )
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("course")


# --- Seats -------------------------------------------------------------------------


def seat_pool_list(*, organization: Organization) -> QuerySet[SeatPool]:
    """The organization's pools with ``used`` seats (one query)."""
    used = (
        SeatAssignment.objects.filter(pool=OuterRef("pk"), released_at__isnull=True)
        .values("pool")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SeatPool.objects.filter(organization=organization)
        .select_related("course")
        .annotate(used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0)))
        .order_by("course__title", "pk")
    )


# --- Progress report ---------------------------------------------------------------

REPORT_COLUMNS = (
    "member_id",
    "email",
    "first_name",
    "last_name",
    "course_id",
    "course_title",
    "status",
    "progress_percentage",
    "enrolled_at",
    "completed_at",
    "last_activity",
    "time_spent",
    "best_score",
    "certificate_number",
)


def report_enrollments(*, organization: Organization) -> QuerySet[Enrollment]:
    """One row per current member (role member) and course they enrolled in, with
    ``time_spent`` (seconds over the course's modules) and ``certificate_number``
    (the valid certificate, if any) annotated: one query. Progress only: never
    answers, essays or mentoring notes."""
    members = (
        Membership.objects.current()
        .filter(organization=organization, role=Membership.Role.MEMBER)
        .values("user_id")
    )
    time_spent = (
        ModuleProgress.objects.filter(user=OuterRef("user"), course=OuterRef("course"))
        .values("user")
        .annotate(total=Sum("time_spent"))
        .values("total")
    )
    certificate = Certificate.objects.filter(
        enrollment=OuterRef("pk"), revoked_at__isnull=True
    ).order_by("-issued_at")
    return (
        Enrollment.objects.filter(user_id__in=members)
        .select_related("user", "course")
        .annotate(
            time_spent=Coalesce(
                Subquery(time_spent, output_field=IntegerField()), Value(0)
            ),
            certificate_number=Subquery(certificate.values("number")[:1]),
        )
        .order_by("user__email", "course__title", "pk")
    )


def report_rows(*, enrollments: list[Enrollment]) -> list[dict]:
    """The report rows of a page of ``report_enrollments`` (best scores in one more
    query, through ``portal.hooks.BEST_SCORES``)."""
    scores = portal_hooks.best_scores_collect(
        user_ids=sorted({e.user_id for e in enrollments}),
        course_ids=sorted({e.course_id for e in enrollments}),
    )
    return [
        {
            "member_id": e.user_id,
            "email": e.user.email,
            "first_name": e.user.first_name,
            "last_name": e.user.last_name,
            "course_id": e.course_id,
            "course_title": e.course.title,
            "status": e.status,
            "progress_percentage": float(e.progress_percentage),
            "enrolled_at": e.enrolled_at,
            "completed_at": e.completed_at,
            "last_activity": e.last_accessed,
            "time_spent": e.time_spent,
            "best_score": scores.get((e.user_id, e.course_id)),
            "certificate_number": e.certificate_number,
        }
        for e in enrollments
    ]


def organization_summary(*, organization: Organization) -> dict:
    """Figures for the dashboard and the weekly e-mail."""
    members = Membership.objects.current().filter(
        organization=organization, role=Membership.Role.MEMBER
    )
    enrollments = Enrollment.objects.filter(user_id__in=members.values("user_id"))
    figures = enrollments.aggregate(
        enrollments=Count("pk", filter=ACTIVE_ENROLLMENT),
        completions=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
        average=Avg("progress_percentage", filter=ACTIVE_ENROLLMENT),
    )
    pools = list(seat_pool_list(organization=organization))
    return {
        "members": members.count(),
        "enrollments": figures["enrollments"],
        "completions": figures["completions"],
        "average_progress": round(float(figures["average"] or 0), 2),
        "seats_total": sum(p.quantity for p in pools),
        "seats_used": sum(p.used for p in pools),
    }


def progress_over_time(*, organization: Organization, weeks: int = 12) -> list[dict]:
    """Per week (oldest first): enrollments started and completions in the week,
    for the dashboard chart. Two grouped queries."""
    now = timezone.now()
    start = now - timedelta(weeks=weeks)
    members = Membership.objects.current().filter(
        organization=organization, role=Membership.Role.MEMBER
    )
    base = Enrollment.objects.filter(user_id__in=members.values("user_id"))
    started = dict(
        base.filter(enrolled_at__gte=start)
        .annotate(week=TruncWeek("enrolled_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    completed = dict(
        base.filter(completed_at__gte=start)
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    first = (start - timedelta(days=start.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    series = []
    for i in range(weeks + 1):
        week = first + timedelta(weeks=i)
        key = week.date()
        series.append(
            {
                "week": key,
                "enrolled": _by_date(started, key),
                "completed": _by_date(completed, key),
            }
        )
    return series


def _by_date(counts: dict, day) -> int:
    for week, n in counts.items():
        if week is not None and (week.date() if hasattr(week, "date") else week) == day:
            return n
    return 0


def weekly_report_recipients() -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(role=Membership.Role.REPRESENTATIVE, weekly_report=True)
        .select_related("user", "organization")
    )


def user_is_current_member(*, organization: Organization, email: str) -> User | None:
    return (
        User.objects.filter(
            email__iexact=email,
            organization_memberships__organization=organization,
            organization_memberships__left_at__isnull=True,
        )
        .distinct()
        .first()
    )

"""Analytics reads (API.md "Analytics"): aggregate selectors over enrollments, module
progress and learning sessions, scoped to what the acting user may see.

Every figure is computed by the database (``aggregate``/``annotate`` with conditional
aggregation), so the number of queries does not depend on the number of learners,
enrollments or modules. Organization and mentee scopes come from the django-guardian
``accounts.view_user`` object permission (granted by the services that create those
relations), used as a subquery; this app never imports ``corporate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Round, RowNumber
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from content.access import managed_courses_q
from content.models import CoursePage, ModulePage
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role
from portal.accounts.selectors import user_get_visible
from portal.errors import PermissionDenied
from portal.hooks import course_assessment_rows, user_assessment_rows

from .models import (
    ACTIVE_ENROLLMENT,
    Enrollment,
    EnrollmentStatus,
    LearningSession,
    ModuleProgress,
)
from .selectors import course_get_managed

RATE_PLACES = 4
AVERAGE_PLACES = 2
_RATIO = DecimalField(max_digits=20, decimal_places=6)

ACTIVE_WINDOWS = {"last_24h": timedelta(hours=24), "last_7d": timedelta(days=7)}


class Scope:
    PLATFORM = "platform"
    INSTRUCTOR = "instructor"
    ORGANIZATION = "organization"
    MENTEES = "mentees"


@dataclass(frozen=True)
class AnalyticsScope:
    """Which learner records an actor's dashboard covers. ``records`` filters any
    model with ``user`` and ``course`` foreign keys (enrollments, module progress,
    learning sessions)."""

    name: str
    records: Q


def _ratio(numerator: int, denominator: int, places: int = RATE_PLACES) -> float:
    if not denominator:
        return 0.0
    return round(numerator / denominator, places)


def _visible_users(actor: User) -> QuerySet[User]:
    """The users the actor holds ``accounts.view_user`` on: a mentor's mentees, a
    corporate rep's organization members. A lazy queryset, meant as a subquery."""
    return get_objects_for_user(
        actor,
        "accounts.view_user",
        klass=User,
        with_superuser=False,
        accept_global_perms=False,
    )


def analytics_scope(*, actor: User) -> AnalyticsScope:
    """Admins see the platform, instructors the enrollments in the courses they
    teach, corporate reps their organization's members and mentors their mentees.
    Anyone else (students) may not see a dashboard: ``PermissionDenied``."""
    role = effective_role(actor)
    if role == Role.ADMIN:
        return AnalyticsScope(Scope.PLATFORM, Q())
    if role == Role.INSTRUCTOR:
        return AnalyticsScope(
            Scope.INSTRUCTOR, managed_courses_q(user=actor, prefix="course__")
        )
    if role in (Role.CORPORATE_REP, Role.MENTOR):
        name = Scope.ORGANIZATION if role == Role.CORPORATE_REP else Scope.MENTEES
        visible = _visible_users(actor).values("pk")
        return AnalyticsScope(name, Q(user__in=visible))
    raise PermissionDenied("Analytics are for instructors, mentors, reps and admins.")


def _active_learners(scope: AnalyticsScope, now) -> dict[str, int]:
    """Distinct users with a learning session that ended, or an enrollment last
    accessed, inside each window: one query."""

    def active_since(since) -> Q:
        sessions = LearningSession.objects.filter(scope.records, ended_at__gte=since)
        enrollments = Enrollment.objects.filter(scope.records, last_accessed__gte=since)
        return Q(pk__in=sessions.values("user_id")) | Q(
            pk__in=enrollments.values("user_id")
        )

    widest = max(ACTIVE_WINDOWS.values())
    return User.objects.filter(active_since(now - widest)).aggregate(
        **{
            name: Count("pk", filter=active_since(now - window))
            for name, window in ACTIVE_WINDOWS.items()
        }
    )


def dashboard_get(*, actor: User) -> dict:
    """The dashboard figures for the actor's scope (see ``analytics_scope``).

    ``learners`` and ``courses`` count distinct users and courses among the scope's
    enrollments (any status); ``completion_rate`` is completed over non-cancelled
    enrollments and ``average_progress`` the mean percentage of non-cancelled ones.
    """
    scope = analytics_scope(actor=actor)
    counts = Enrollment.objects.filter(scope.records).aggregate(
        learners=Count("user", distinct=True),
        courses=Count("course", distinct=True),
        enrollments=Count("pk"),
        active=Count("pk", filter=Q(status=EnrollmentStatus.ACTIVE)),
        completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=EnrollmentStatus.CANCELLED)),
        average_progress=Avg("progress_percentage", filter=ACTIVE_ENROLLMENT),
    )
    time_spent = ModuleProgress.objects.filter(scope.records).aggregate(
        seconds=Coalesce(Sum("time_spent"), 0)
    )["seconds"]
    active = _active_learners(scope, timezone.now())
    average = counts["average_progress"] or Decimal(0)
    return {
        "scope": scope.name,
        "totals": {
            "learners": counts["learners"],
            "courses": counts["courses"],
            "enrollments": counts["enrollments"],
            "completions": counts["completed"],
        },
        "active_learners": active,
        "enrollments": {
            "active": counts["active"],
            "completed": counts["completed"],
            "cancelled": counts["cancelled"],
        },
        "completion_rate": _ratio(
            counts["completed"], counts["active"] + counts["completed"]
        ),
        "average_progress": round(float(average), AVERAGE_PLACES),
        "time_spent_seconds": time_spent,
    }


# --- One course --------------------------------------------------------------------


def _course_for_analytics(*, actor: User, course_id: int) -> CoursePage:
    return course_get_managed(actor=actor, course_id=course_id, what="analytics")


def _module_rows(course: CoursePage, learners: QuerySet, enrolled: int) -> list[dict]:
    """The live modules in tree order, each with its completions and average time
    among the course's current learners: one grouped query."""
    of_learners = Q(progress_records__user_id__in=learners)
    completions = Count(
        "progress_records",
        filter=of_learners & Q(progress_records__completed_at__isnull=False),
    )
    average_time = Avg("progress_records__time_spent", filter=of_learners)
    rows = list(
        ModulePage.objects.child_of(course)
        .live()
        .annotate(completions=completions)
        .annotate(
            module_id=F("pk"),
            order=Window(RowNumber(), order_by=F("path").asc()),
            average_time_spent=Coalesce(
                Round(Cast(average_time, _RATIO), AVERAGE_PLACES),
                Value(Decimal(0)),
                output_field=_RATIO,
            ),
        )
        .order_by("path")
        .values(
            "module_id",
            "title",
            "order",
            "is_mandatory",
            "completions",
            "average_time_spent",
        )
    )
    # The rate in Python: SQL division of integers truncates on SQLite.
    return [
        {**row, "completion_rate": _ratio(row["completions"], enrolled)} for row in rows
    ]


def course_analytics_get(*, actor: User, course_id: int) -> dict:
    """Funnel, per-module completion and time spent of a course's current (not
    cancelled) enrollments.

    The funnel stages: ``enrolled``; ``started`` (a progress row, or progress above
    zero); ``halfway`` (progress of 50% or more); ``completed``. Errors: ``NotFound``
    for a missing course or someone else's draft, ``PermissionDenied`` for anyone
    but its instructor and admins.
    """
    course = _course_for_analytics(actor=actor, course_id=course_id)
    enrollments = Enrollment.objects.filter(course=course).active()
    has_progress = Exists(
        ModuleProgress.objects.filter(
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
        )
    )
    funnel = enrollments.aggregate(
        enrolled=Count("pk"),
        started=Count("pk", filter=Q(progress_percentage__gt=0) | Q(has_progress)),
        halfway=Count("pk", filter=Q(progress_percentage__gte=50)),
        completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
    )
    learners = enrollments.values("user_id")
    total = ModuleProgress.objects.filter(
        course=course, user_id__in=learners
    ).aggregate(seconds=Coalesce(Sum("time_spent"), 0))["seconds"]
    return {
        "course": {"id": course.pk, "title": course.title},
        "funnel": funnel,
        "modules": _module_rows(course, learners, funnel["enrolled"]),
        "time_spent": {
            "total_seconds": total,
            "average_per_learner_seconds": _ratio(
                total, funnel["enrolled"], AVERAGE_PLACES
            ),
        },
        "assessments": course_assessment_rows(course=course, learners=learners),
    }


# --- One learner -------------------------------------------------------------------


def user_analytics_get(*, actor: User, user_id: int) -> dict:
    """A learner's courses with progress and time spent, for whoever may see that
    learner (``user_get_visible``: self, admin, mentor, corporate rep of their
    organization); ``NotFound`` for anyone else."""
    user = user_get_visible(actor=actor, user_id=user_id)
    seconds_in_course = (
        ModuleProgress.objects.filter(
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
        )
        .order_by()
        .values("user_id")
        .annotate(seconds=Sum("time_spent"))
        .values("seconds")
    )
    courses = (
        Enrollment.objects.filter(user=user)
        .annotate(
            title=F("course__title"),
            time_spent_seconds=Coalesce(
                Subquery(seconds_in_course, output_field=IntegerField()), 0
            ),
        )
        .order_by("-enrolled_at", "-pk")
        .values(
            "course_id",
            "title",
            "status",
            "progress_percentage",
            "time_spent_seconds",
            "enrolled_at",
            "completed_at",
            "last_accessed",
        )
    )
    totals = Enrollment.objects.filter(user=user).aggregate(
        completed_courses=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED))
    )
    time_spent = ModuleProgress.objects.filter(user=user).aggregate(
        seconds=Coalesce(Sum("time_spent"), 0)
    )["seconds"]
    return {
        "user": {"id": user.pk, "name": user.get_full_name() or user.email},
        "courses": courses,
        "time_spent_seconds": time_spent,
        "completed_courses": totals["completed_courses"],
        "assessment_history": user_assessment_rows(user=user),
    }

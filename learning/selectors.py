"""Reads for the learner's side, scoped to what the acting user may see."""

from django.db import connection
from django.db.models import F, QuerySet

from content.access import is_course_manager
from content.models import CoursePage, ModulePage
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role, is_admin
from portal.accounts.selectors import user_get_visible
from portal.errors import NotFound, PermissionDenied
from portal.queries import from_db

from .models import (
    Certificate,
    Enrollment,
    EnrollmentStatus,
    LearningSession,
    ModuleProgress,
)

# What a list of someone's enrollments shows: the enrollment's own fields and of the
# course its id, title and URL path (``enrollment_list_for_user``).
ENROLLMENT_ROW = (
    *[f.attname for f in Enrollment._meta.concrete_fields],
    "course__title",
    "course__url_path",
)


def enrollment_list_for_user(*, actor: User, user_id: int) -> QuerySet:
    """A user's enrollments as rows of ``ENROLLMENT_ROW`` values (dicts: the list
    is read on every visit to "my courses", and model instances and a nested
    serializer cost more than the query), for whoever may see that user (self,
    admin, mentor, corporate rep of their organization); 404 for anyone else. The
    actor's own list needs no look-up of the user: the request loaded them
    already."""
    if getattr(actor, "pk", None) != user_id:
        user_id = user_get_visible(actor=actor, user_id=user_id).pk
    return (
        Enrollment.objects.filter(user_id=user_id)
        .order_by("-enrolled_at", "-pk")
        .values(*ENROLLMENT_ROW)
    )


def certificate_list_for_user(*, actor: User, user_id: int) -> QuerySet[Certificate]:
    user = user_get_visible(actor=actor, user_id=user_id)
    return Certificate.objects.filter(user=user).order_by("-issued_at", "-pk")


def certificate_get_visible(*, actor: User, certificate_id: int) -> Certificate:
    """Holder and admins; a corporate rep of the holder's organization. Anyone else:
    not found."""
    certificate = (
        Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    )
    if certificate is None:
        raise NotFound("Certificate not found.")
    role = effective_role(actor)
    if role == Role.ADMIN or certificate.user_id == actor.pk:
        return certificate
    if (
        role == Role.CORPORATE_REP
        and certificate.user is not None
        and actor.has_perm("accounts.view_user", certificate.user)
    ):
        return certificate
    raise NotFound("Certificate not found.")


def certificate_get_downloadable(*, actor: User, certificate_id: int) -> Certificate:
    certificate = certificate_get_visible(actor=actor, certificate_id=certificate_id)
    if not is_admin(actor) and certificate.user_id != actor.pk:
        raise PermissionDenied("Only the holder may download this certificate.")
    return certificate


def course_for_progress(*, actor: User, course_id: int) -> tuple[CoursePage, bool]:
    """The course and whether the actor manages it (sees every learner). Learners
    see their own progress only; a course they cannot see does not exist."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    if is_course_manager(user=actor, course=course):
        return course, True
    if not course.live:
        raise NotFound("Course not found.")
    return course, False


def course_get_managed(
    *, actor: User, course_id: int, what: str = "this"
) -> CoursePage:
    """A course the actor manages (its instructor, admins), for staff screens and
    endpoints (roster, analytics). A course the actor cannot see at all (missing,
    or someone else's draft) is not found; a visible one is forbidden."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    if is_course_manager(user=actor, course=course):
        return course
    if not course.live:
        raise NotFound("Course not found.")
    raise PermissionDenied(f"Only the course's instructor or an admin sees {what}.")


def enrollment_get_cancellable(*, actor: User, enrollment_id: int) -> Enrollment:
    """An enrollment its learner or an administrator may cancel; anyone else is
    told it does not exist (another learner's enrollment is private)."""
    enrollment = (
        Enrollment.objects.select_related("course", "last_module")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None or (enrollment.user_id != actor.pk and not is_admin(actor)):
        raise NotFound("Enrollment not found.")
    return enrollment


def enrollment_get_own(*, actor: User, course: CoursePage) -> Enrollment:
    enrollment = Enrollment.objects.filter(user=actor, course=course).active().first()
    if enrollment is None:
        raise PermissionDenied("You are not enrolled in this course.")
    return enrollment


def completed_module_ids(*, user: User, course: CoursePage) -> list[int]:
    return list(
        ModuleProgress.objects.filter(
            user=user, course=course, completed_at__isnull=False
        ).values_list("module_id", flat=True)
    )


def module_progress_rows(*, user: User, course: CoursePage) -> QuerySet[ModuleProgress]:
    return ModuleProgress.objects.filter(user=user, course=course).order_by("module_id")


def course_learner_rows(*, course: CoursePage) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(course=course)
        .select_related("user")
        .order_by("user__email")
    )


def enrollment_for_page(*, user, course) -> Enrollment | None:
    """The viewer's active enrollment in a course (for rendered pages), with the
    URL to continue from: the first required module not completed yet (in course
    order), else the first module not completed, else the first module."""
    if not getattr(user, "is_authenticated", False):
        return None
    enrollment = (
        Enrollment.objects.filter(user=user, course=course)
        .active()
        .select_related("last_module")
        .first()
    )
    if enrollment is not None:
        module = first_unfinished_module(user=user, course=course)
        enrollment.continue_url = module.url if module else course.url
    return enrollment


def prerequisites_for_page(*, user, course) -> list[dict]:
    """The live courses ``course`` requires, shown before enrolling, each with
    whether the viewer has completed it (``enrollment_create`` enforces them)."""
    required = [c for c in course.prerequisites.all() if c.live]
    if not required:
        return []
    done = set()
    if getattr(user, "is_authenticated", False):
        done = set(
            Enrollment.objects.filter(
                user=user,
                course_id__in=[c.pk for c in required],
                status=EnrollmentStatus.COMPLETED,
            ).values_list("course_id", flat=True)
        )
    return [{"course": c, "done": c.pk in done} for c in required]


def first_unfinished_module(*, user, course) -> ModulePage | None:
    """Where a learner continues: the first live required module (in course order)
    they have not completed, else the first optional one, else the first module."""
    modules = list(
        ModulePage.objects.child_of(course).live().defer_streamfields().order_by("path")
    )
    if not modules:
        return None
    done = set(completed_module_ids(user=user, course=course))
    unfinished = [m for m in modules if m.pk not in done]
    required = [m for m in unfinished if m.is_mandatory]
    return (required or unfinished or modules)[0]


def module_progress_for_page(
    *, user, module
) -> tuple[Enrollment | None, ModuleProgress | None]:
    if not getattr(user, "is_authenticated", False):
        return None, None
    enrollment = (
        Enrollment.objects.filter(user=user, course_id=module.get_parent().pk)
        .active()
        .first()
    )
    if enrollment is None:
        return None, None
    progress = ModuleProgress.objects.filter(user=user, module=module).first()
    return enrollment, progress


def dashboard_enrollments(*, user) -> QuerySet[Enrollment]:
    """ "My learning": active and completed enrollments, most recent activity first."""
    return (
        Enrollment.objects.filter(user=user)
        .active()
        .select_related("course", "last_module")
        .order_by(F("last_accessed").desc(nulls_last=True), "-enrolled_at")
    )


def module_completion_state(*, user, course, modules) -> dict[int, dict]:
    """Per-module state of an enrolled learner, merged into the course's module list
    by the content API (the ``portal.hooks.MODULE_STATE`` answer): nothing for
    anyone not enrolled. One statement, in SQL: the list is read on every visit to
    a course, and the ORM's two queries cost it ten times their SQL (``make
    bench``)."""
    if not getattr(user, "is_authenticated", False) or not modules:
        return {}
    module_ids = [m.pk for m in modules]
    quote = connection.ops.quote_name
    # Quoted names from the models; every value is a parameter.
    sql = (  # noqa: S608
        "SELECT p.module_id, p.completed_at, p.time_spent, p.last_position "
        "FROM {enrollment} e LEFT JOIN {progress} p ON p.user_id = e.user_id "
        "AND p.module_id IN ({ids}) "
        "WHERE e.user_id = %s AND e.course_id = %s AND e.status <> %s"
    ).format(
        enrollment=quote(Enrollment._meta.db_table),
        progress=quote(ModuleProgress._meta.db_table),
        ids=", ".join(["%s"] * len(module_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*module_ids, user.pk, course.pk, EnrollmentStatus.CANCELLED]
        )
        rows = cursor.fetchall()
    if not rows:  # not enrolled, or the enrollment was cancelled
        return {}
    by_module = {row[0]: row for row in rows if row[0] is not None}
    state = {}
    for module_id in module_ids:
        row = by_module.get(module_id)
        completed_at = (
            None if row is None else from_db(ModuleProgress, "completed_at", row[1])
        )
        state[module_id] = {
            "completed": completed_at is not None,
            "completed_at": completed_at,
            "time_spent": 0 if row is None else row[2],
            "last_position": 0 if row is None else row[3],
        }
    return state


def is_enrolled_in_any(*, user, course_ids) -> bool:
    """A learner may read the modules, download the documents and watch the videos
    of the courses they are enrolled in (the ``portal.hooks.COURSE_MEMBER_CHECK``
    answer)."""
    return (
        Enrollment.objects.filter(user=user, course_id__in=course_ids).active().exists()
    )


def active_learner_count(*, since) -> int:
    """Distinct learners who recorded progress (a learning session touched) since
    ``since``: one count on the sessions' ``ended_at`` index."""
    return (
        LearningSession.objects.filter(ended_at__gte=since)
        .values("user_id")
        .distinct()
        .count()
    )

"""Reads of the NICE Framework and of learners' coverage of its work roles.

Coverage of a work role (the issue's arithmetic, in one place: ``coverage_compute``):
a statement is *demonstrated* when a tagged question was answered correctly in a
passed attempt or a tagged lab flag was captured (answered by the assessments app
through ``portal.hooks.SKILL_EVIDENCE``); a role's coverage is
``|demonstrated ∩ role statements| / |role statements|``, and the same per kind
(tasks, knowledge, skills). Statements match by NICE id, so evidence tagged against
one framework version counts against a later one that keeps the id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from content.access import managed_courses_q
from content.models import CoursePage
from portal.accounts.permissions import is_admin
from portal.errors import NotFound
from portal.hooks import skill_course_statements_collect, skill_evidence_collect

from .cache import FRAMEWORK_CACHE
from .models import (
    CourseWorkRole,
    FrameworkVersion,
    ModuleStatementTag,
    Statement,
    StatementKind,
    WorkRole,
    WorkRoleStatement,
)

KINDS = tuple(StatementKind.values)  # task, knowledge, skill
SUGGESTED_COURSES = 5


# --- The framework -----------------------------------------------------------------


def framework_current() -> FrameworkVersion | None:
    """The framework version coverage is measured against (``None`` before a load)."""
    return FrameworkVersion.objects.filter(current=True).first()


def _counts() -> dict:
    return {
        f"{kind}_count": Count(
            "statement_links", filter=Q(**{"statement_links__statement__kind": kind})
        )
        for kind in KINDS
    }


def work_role_list(*, category: str | None = None) -> QuerySet[WorkRole]:
    """Work roles of the current version with their category and statement counts
    per kind (``task_count``, ``knowledge_count``, ``skill_count``)."""
    roles = (
        WorkRole.objects.filter(framework__current=True)
        .select_related("category", "framework")
        .annotate(**_counts())
        .order_by("nice_id")
    )
    if category:
        roles = roles.filter(category__nice_id=category)
    return roles


def work_role_get(*, nice_id: str) -> WorkRole:
    """One work role of the current version with its statements, or ``NotFound``."""
    role = (
        work_role_list().filter(nice_id=nice_id).prefetch_related("statements").first()
    )
    if role is None:
        raise NotFound("Work role not found.")
    return role


def work_role_exists(*, nice_id: str) -> bool:
    return WorkRole.objects.filter(framework__current=True, nice_id=nice_id).exists()


# --- Coverage ----------------------------------------------------------------------


@dataclass
class KindCoverage:
    covered: int
    total: int

    @property
    def coverage(self) -> float:
        return round(self.covered / self.total, 4) if self.total else 0.0


@dataclass
class RoleCoverage:
    """One work role's coverage for one learner."""

    work_role: WorkRole
    covered: int
    total: int
    by_kind: dict[str, KindCoverage]
    demonstrated: set[str] = field(default_factory=set)
    missing: dict[str, list[str]] = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)
    missing_tasks: list[Statement] = field(default_factory=list)
    suggested_courses: list[dict] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return round(self.covered / self.total, 4) if self.total else 0.0


def kind_totals(role_statements: dict[str, str]) -> dict[str, int]:
    """How many of a role's statements are of each kind."""
    return {
        kind: sum(1 for k in role_statements.values() if k == kind) for kind in KINDS
    }


def coverage_compute(
    *,
    role_statements: dict[str, str],
    demonstrated: set[str],
    totals: dict[str, int] | None = None,
) -> tuple[int, int, dict[str, KindCoverage], set[str]]:
    """The arithmetic: ``role_statements`` maps a role's statement ids to their kind;
    returns (covered, total, per-kind coverage, the covered ids). ``totals``: the
    role's ``kind_totals`` when already known."""
    covered_ids = demonstrated & role_statements.keys()
    totals = totals if totals is not None else kind_totals(role_statements)
    by_kind = {
        kind: KindCoverage(
            covered=sum(1 for s in covered_ids if role_statements[s] == kind),
            total=totals[kind],
        )
        for kind in KINDS
    }
    return len(covered_ids), len(role_statements), by_kind, covered_ids


def evidence_for_users(*, user_ids: Iterable[int]) -> dict[int, dict[str, list]]:
    """{user id: {NICE id: evidence rows}} for many learners in a bounded number of
    queries."""
    grouped: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in skill_evidence_collect(user_ids=list(user_ids)):
        grouped[row["user_id"]][row["statement"]].append(row)
    return {user_id: dict(rows) for user_id, rows in grouped.items()}


def evidence_by_statement(*, user) -> dict[str, list[dict]]:
    """The learner's evidence grouped by the NICE id it demonstrates."""
    return evidence_for_users(user_ids=[user.pk]).get(user.pk, {})


def role_coverage_for_users(
    *, user_ids: Iterable[int], role_ids: Iterable[str]
) -> dict[int, dict[str, float]]:
    """{user id: {work role NICE id: coverage}} for many learners and a few roles of
    the current version (the talent search), in a bounded number of queries."""
    user_ids = list(user_ids)
    roles = list(
        WorkRole.objects.filter(framework__current=True, nice_id__in=list(role_ids))
    )
    statement_map = _role_statement_map(roles)
    evidence = evidence_for_users(user_ids=user_ids)
    coverage: dict[int, dict[str, float]] = {}
    for user_id in user_ids:
        demonstrated = set(evidence.get(user_id, {}))
        coverage[user_id] = {}
        for role in roles:
            covered, total, _kinds, _ids = coverage_compute(
                role_statements=statement_map.get(role.pk, {}),
                demonstrated=demonstrated,
            )
            coverage[user_id][role.nice_id] = (
                round(covered / total, 4) if total else 0.0
            )
    return coverage


def _role_statement_map(roles: Iterable[WorkRole]) -> dict[int, dict[str, str]]:
    """{role pk: {statement nice id: kind}} in one query."""
    mapping: dict[int, dict[str, str]] = defaultdict(dict)
    rows = WorkRoleStatement.objects.filter(
        work_role__in=[r.pk for r in roles]
    ).values_list("work_role_id", "statement__nice_id", "statement__kind")
    for role_id, nice_id, kind in rows:
        mapping[role_id][nice_id] = kind
    return mapping


@dataclass(frozen=True)
class _Roles:
    """The current version's work roles (with their category, by NICE id) and, per
    role pk, its statements ``{id: kind}``, their ``kind_totals`` and their ids of
    each kind in order."""

    roles: list[WorkRole]
    statements: dict[int, dict[str, str]]
    totals: dict[int, dict[str, int]]
    ordered: dict[int, dict[str, list[str]]]


def _current_roles() -> _Roles:
    """The same for every learner and changed only by a framework load: held in
    process memory per framework cache version (``FRAMEWORK_CACHE.memo``) rather
    than read and counted on every request."""

    def build():
        roles = list(
            WorkRole.objects.filter(framework__current=True)
            .select_related("category")
            .order_by("nice_id")
        )
        statements = dict(_role_statement_map(roles))
        return _Roles(
            roles=roles,
            statements=statements,
            totals={pk: kind_totals(ids) for pk, ids in statements.items()},
            ordered={
                pk: {
                    kind: sorted(s for s, k in ids.items() if k == kind)
                    for kind in KINDS
                }
                for pk, ids in statements.items()
            },
        )

    return FRAMEWORK_CACHE.memo("roles", build)


def user_competencies(
    *, user, work_role: str | None = None, include_empty: bool = False
) -> list[RoleCoverage]:
    """Coverage of every work role of the current version for ``user``, best first.

    Without ``include_empty`` only roles with some coverage are listed; with
    ``work_role`` only that role (``NotFound`` for an unknown id). A bounded number
    of queries whatever the number of roles, statements or evidence rows.
    """
    current = _current_roles()
    roles = current.roles
    if work_role is not None:
        roles = [r for r in roles if r.nice_id == work_role]
        if not roles:
            raise NotFound("Work role not found.")
        include_empty = True
    evidence = evidence_by_statement(user=user)
    demonstrated = set(evidence)
    results = []
    for role in roles:
        role_statements = current.statements.get(role.pk, {})
        if not include_empty and demonstrated.isdisjoint(role_statements):
            continue
        covered, total, by_kind, covered_ids = coverage_compute(
            role_statements=role_statements,
            demonstrated=demonstrated,
            totals=current.totals.get(role.pk),
        )
        ordered = current.ordered.get(role.pk, {})
        results.append(
            RoleCoverage(
                work_role=role,
                covered=covered,
                total=total,
                by_kind=by_kind,
                demonstrated=covered_ids,
                missing={
                    kind: [s for s in ordered.get(kind, ()) if s not in covered_ids]
                    for kind in KINDS
                },
                evidence=[
                    {**row}
                    for statement in sorted(covered_ids)
                    for row in evidence[statement]
                ],
            )
        )
    results.sort(key=lambda r: (-r.coverage, r.work_role.nice_id))
    return results


def gap_report_fill(*, results: list[RoleCoverage]) -> list[RoleCoverage]:
    """Add the missing task statements and the courses that cover each role's gap
    (in a fixed number of queries for the whole list, none for an empty one)."""
    if not results:
        return results
    missing_ids = {s for r in results for s in r.missing.get(StatementKind.TASK, [])}
    statements = {
        s.nice_id: s
        for s in Statement.objects.filter(
            framework__current=True, nice_id__in=missing_ids
        )
    }
    coverage_by_course = course_statement_map()
    courses = {
        c.pk: c
        for c in CoursePage.objects.live()
        .filter(archived_at=None, pk__in=coverage_by_course)
        .only("id", "title", "url_path", "slug")
    }
    for result in results:
        result.missing_tasks = [
            statements[s]
            for s in result.missing.get(StatementKind.TASK, [])
            if s in statements
        ]
        gap = {s for ids in result.missing.values() for s in ids}
        ranked = sorted(
            (
                (len(gap & coverage_by_course[course_id]), course_id)
                for course_id in courses
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        result.suggested_courses = [
            {
                "id": course_id,
                "title": courses[course_id].title,
                "url": courses[course_id].url or "",
                "covers": count,
            }
            for count, course_id in ranked[:SUGGESTED_COURSES]
            if count
        ]
    return results


def modules_of_managed_courses_q(*, user, prefix: str = "") -> Q:
    """Modules of the courses ``user`` manages (``content.access.managed_courses_q``),
    as a filter on modules (``prefix`` leads from the queried model to the module):
    modules sit under their course in the page tree."""
    if is_admin(user):
        return Q()
    paths = CoursePage.objects.filter(managed_courses_q(user=user)).values_list(
        "path", flat=True
    )
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


# --- Courses and their roles -------------------------------------------------------


def course_statement_map(
    *, course_ids: Iterable[int] | None = None
) -> dict[int, set[str]]:
    """{course id: NICE ids its modules, questions and flags are tagged with}."""
    tags = ModuleStatementTag.objects.all()
    if course_ids is not None:
        course_ids = list(course_ids)
        paths = CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "path")
    else:
        paths = CoursePage.objects.values_list("pk", "path")
    course_by_prefix = {path: pk for pk, path in paths}
    mapping: dict[int, set[str]] = defaultdict(set)
    rows = tags.values_list("module__path", "statement__nice_id")
    depth = CoursePage.steplen
    for module_path, nice_id in rows:
        for cut in range(len(module_path) - depth, 0, -depth):
            course_id = course_by_prefix.get(module_path[:cut])
            if course_id is not None:
                mapping[course_id].add(nice_id)
                break
    for course_id, ids in skill_course_statements_collect(
        course_ids=course_ids
    ).items():
        if course_ids is None or course_id in course_ids:
            mapping[course_id].update(ids)
    return dict(mapping)


@dataclass
class CourseRoles:
    primary: WorkRole | None
    computed: list[tuple[WorkRole, int]]


def course_work_roles(*, course: CoursePage, limit: int = 5) -> CourseRoles:
    """The role a person set as the course's primary one, and the roles its tags
    cover most (with the number of the role's statements tagged), best first."""
    primary = (
        CourseWorkRole.objects.filter(course=course)
        .select_related("work_role__category")
        .first()
    )
    tagged = course_statement_map(course_ids=[course.pk]).get(course.pk, set())
    computed: list[tuple[WorkRole, int]] = []
    if tagged:
        computed = [
            (role, role.tagged)
            for role in WorkRole.objects.filter(framework__current=True)
            .annotate(
                tagged=Count(
                    "statement_links",
                    filter=Q(statement_links__statement__nice_id__in=tagged),
                )
            )
            .filter(tagged__gt=0)
            .select_related("category")
            .order_by("-tagged", "nice_id")[:limit]
        ]
    return CourseRoles(
        primary=primary.work_role if primary else None, computed=computed
    )

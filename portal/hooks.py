"""Every extension point of the portal, in one place.

A lower app asks a question only a higher app can answer ("is this user enrolled in
this course?": ``content`` must not import ``learning``). The lower app calls a
helper below; the higher app registers an answer with ``wagtail.hooks`` in its
``wagtail_hooks.py`` (registrations only), e.g.::

    hooks.register(portal.hooks.COURSE_MEMBER_CHECK, is_enrolled_in_any)

Wagtail imports every installed app's ``wagtail_hooks`` module the first time
anything calls ``hooks.get_hooks`` (``wagtail.hooks.search_for_hooks``), so the
answers are there in every process — web, Celery worker, management command, test —
without ``AppConfig.ready()`` wiring. Tests swap an answer with
``wagtail.hooks.register_temporarily``.

Each extension point below has a name (the constant), the signature an
implementation must honour, what it returns and how several answers combine
(any / first / collected in order). ``order`` in ``hooks.register`` sets the order;
equal orders keep the order of registration. Callers use the helper functions, never
``get_hooks`` with a raw string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import AppConfig
from django.core import checks
from wagtail import hooks

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.demo import DemoReport


# --- Course content: who is a member of a course -----------------------------------

COURSE_MEMBER_CHECK = "portal_course_member_check"


class CourseMemberCheck(Protocol):
    """Whether a signed-in ``user`` belongs to at least one of ``course_ids`` and so
    may read their modules, documents and videos (``content.access``). Combined with
    *any*: one ``True`` admits. ``learning`` registers "enrolled in one of them"."""

    def __call__(self, *, user: Any, course_ids: Sequence[int]) -> bool: ...


def course_member_any(*, user: Any, course_ids: Sequence[int]) -> bool:
    """Whether any registered ``COURSE_MEMBER_CHECK`` admits ``user``."""
    return any(
        check(user=user, course_ids=course_ids)
        for check in hooks.get_hooks(COURSE_MEMBER_CHECK)
    )


# --- Module list: per-learner state ------------------------------------------------

MODULE_STATE = "portal_module_state"


class ModuleState(Protocol):
    """Extra per-learner fields for a page of a course's modules in the module API:
    ``{module_id: {field: value}}`` (``{}`` when it has nothing to add). Collected in
    order: each answer's fields are merged into the module's, later ones win.
    ``learning`` registers completion state."""

    def __call__(
        self, *, user: Any, course: Any, modules: Sequence[Any]
    ) -> dict[int, dict]: ...


def module_state_collect(
    *, user: Any, course: Any, modules: Sequence[Any]
) -> dict[int, dict]:
    """Every registered ``MODULE_STATE`` answer, merged per module."""
    state: dict[int, dict] = {}
    for provider in hooks.get_hooks(MODULE_STATE):
        for module_id, extra in provider(
            user=user, course=course, modules=modules
        ).items():
            state.setdefault(module_id, {}).update(extra)
    return state


# --- Completion: why a module may not be marked complete by hand -------------------

COMPLETION_GUARD = "portal_completion_guard"


class CompletionGuard(Protocol):
    """Why ``user`` may not mark ``module`` complete by hand (a translated sentence),
    or ``None``. The *first* reason in order refuses. ``assessments`` registers
    "pass the module's required assessment"."""

    def __call__(self, *, user: Any, module: Any) -> str | None: ...


def completion_refusal(*, user: Any, module: Any) -> str | None:
    """The first reason a registered ``COMPLETION_GUARD`` gives, or ``None``."""
    for guard in hooks.get_hooks(COMPLETION_GUARD):
        reason = guard(user=user, module=module)
        if reason:
            return reason
    return None


# --- Analytics: assessment figures -------------------------------------------------

COURSE_ASSESSMENT_ANALYTICS = "portal_course_assessment_analytics"
USER_ASSESSMENT_HISTORY = "portal_user_assessment_history"


class CourseAssessmentAnalytics(Protocol):
    """One row per assessment of ``course``, counting the attempts of ``learners``
    (a ``user_id`` values queryset of its current enrollments), in a bounded number
    of queries. Rows of all answers are concatenated in order. ``assessments``
    registers its figures."""

    def __call__(self, *, course: Any, learners: QuerySet) -> list: ...


class UserAssessmentHistory(Protocol):
    """The assessment results of ``user``, grouped per course, in a bounded number
    of queries. Rows of all answers are concatenated in order."""

    def __call__(self, *, user: Any) -> list: ...


def course_assessment_rows(*, course: Any, learners: QuerySet) -> list:
    """Every registered ``COURSE_ASSESSMENT_ANALYTICS`` row, in order."""
    return [
        row
        for rows in hooks.get_hooks(COURSE_ASSESSMENT_ANALYTICS)
        for row in rows(course=course, learners=learners)
    ]


def user_assessment_rows(*, user: Any) -> list:
    """Every registered ``USER_ASSESSMENT_HISTORY`` row, in order."""
    return [
        row
        for rows in hooks.get_hooks(USER_ASSESSMENT_HISTORY)
        for row in rows(user=user)
    ]


# --- Skills: statements tagged and demonstrated in assessments --------------------

SKILL_EVIDENCE = "portal_skill_evidence"
SKILL_COURSE_STATEMENTS = "portal_skill_course_statements"


class SkillEvidence(Protocol):
    """What the users ``user_ids`` demonstrated of the NICE Framework: one dict per
    piece of evidence, ``{"user_id": int, "statement": "T0084", "source": "question"
    | "flag", "title": str, "assessment_id": int, "course_id": int, "at":
    datetime}`` (statement ids are NICE ids, version-free), in a bounded number of
    queries whatever the number of users. Rows of all answers are concatenated in
    order. ``assessments`` registers "a tagged question answered correctly in a
    passed attempt, a tagged lab flag captured"."""

    def __call__(self, *, user_ids: Sequence[int]) -> list[dict]: ...


class SkillCourseStatements(Protocol):
    """NICE statement ids tagged on items of the courses ``course_ids`` that a higher
    app holds (assessment questions, lab flags): ``{course_id: {statement id}}``.
    Answers are merged per course. ``assessments`` registers its question tags."""

    def __call__(self, *, course_ids: Sequence[int] | None) -> dict[int, set[str]]: ...


def skill_evidence_collect(*, user_ids: Sequence[int]) -> list[dict]:
    """Every registered ``SKILL_EVIDENCE`` row for the users ``user_ids``, in
    order."""
    if not user_ids:
        return []
    return [
        row
        for rows in hooks.get_hooks(SKILL_EVIDENCE)
        for row in rows(user_ids=user_ids)
    ]


def skill_course_statements_collect(
    *, course_ids: Sequence[int] | None = None
) -> dict[int, set[str]]:
    """Every registered ``SKILL_COURSE_STATEMENTS`` answer, merged per course
    (``course_ids=None``: every course)."""
    merged: dict[int, set[str]] = {}
    for provider in hooks.get_hooks(SKILL_COURSE_STATEMENTS):
        for course_id, statements in provider(course_ids=course_ids).items():
            merged.setdefault(course_id, set()).update(statements)
    return merged


# --- Demo content for ``make run`` -------------------------------------------------

DEMO_SEED = "portal_demo_seed"


class DemoSeed(Protocol):
    """Create an app's demo data and tell the reader about it in ``report``.
    Idempotent (``make run`` may seed any number of times). Run in order (register
    with ``order=``): accounts 0, content 10, learning 20, corporate 30."""

    def __call__(self, report: DemoReport) -> None: ...


def demo_seed_run(*, report: DemoReport) -> None:
    """Run every registered ``DEMO_SEED`` in order."""
    for seed in hooks.get_hooks(DEMO_SEED):
        seed(report)


# --- Declared for the coming issues (nothing registers them yet) -------------------

PERSONAL_DATA_EXPORT = "portal_personal_data_export"


class PersonalDataExport(Protocol):
    """What an app holds about ``user``, for a subject access request: ``{section:
    JSON-serializable rows}`` (``{}`` when it holds nothing). Every app holding
    personal data registers one; all answers are merged into one export."""

    def __call__(self, *, user: Any) -> dict[str, list[dict]]: ...


PERSONAL_DATA_ERASE = "portal_personal_data_erase"


class PersonalDataErase(Protocol):
    """Erase or anonymize what an app holds about ``user`` (inside the caller's
    transaction, keeping records the law requires, e.g. certificates issued) and
    return ``{model label: rows changed}``. Every app holding personal data
    registers one; all run, in order."""

    def __call__(self, *, user: Any) -> dict[str, int]: ...


METRICS = "portal_metrics"


class Metrics(Protocol):
    """Register an app's Prometheus collectors (``prometheus_client``) with
    ``registry``; called once per process. All run."""

    def __call__(self, *, registry: Any) -> None: ...


NOTIFICATION = "portal_notification"


class Notification(Protocol):
    """Deliver ``event`` (a dotted name such as ``"learning.certificate_issued"``)
    with its JSON ``payload`` to ``user`` over one channel (email, Discord, ...);
    return whether it was sent. Called from a Celery task, never inside a request's
    transaction. All channels run."""

    def __call__(self, *, user: Any, event: str, payload: dict) -> bool: ...


# Extension points the portal cannot work without: a process that lacks one fails
# ``manage.py check`` (registered by ``portal.health``) instead of silently locking
# learners out of their courses.
REQUIRED_HOOKS = (
    COURSE_MEMBER_CHECK,
    MODULE_STATE,
    COMPLETION_GUARD,
    COURSE_ASSESSMENT_ANALYTICS,
    USER_ASSESSMENT_HISTORY,
    DEMO_SEED,
)


def required_hooks_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A system check: every required extension point has an implementation."""
    return [
        checks.Error(
            f"No implementation is registered for the extension point {name!r}.",
            hint="Register one with wagtail.hooks in an app's wagtail_hooks.py.",
            obj=name,
            id="portal.E001",
        )
        for name in REQUIRED_HOOKS
        if not hooks.get_hooks(name)
    ]

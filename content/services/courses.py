"""Writes to courses: create, update, submit for review, publish, archive and
restore."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput
from portal.notifications.services import notify

from ..cache import catalog_cache_bump
from ..models import CoursePage, ModulePage
from .catalog import catalog_get
from .pages import _clean_page, _rich_text, _unique_slug
from .rules import _require_manager, _require_moderator
from .videos import video_viewer_cache_reset_for_course

COURSE_FIELDS = (
    "title",
    "description",
    "category",
    "difficulty_level",
    "estimated_duration",
    "price",
    "capacity",
    "certificate_validity_days",
    "learning_outcomes",
    "prerequisites",
    "instructor",
)


def _outcomes_stream(outcomes: list[str]) -> list[tuple[str, str]]:
    return [("outcome", outcome) for outcome in outcomes]


def _apply_course_fields(course: CoursePage, data: dict) -> None:
    for field in COURSE_FIELDS:
        if field not in data or field == "prerequisites":
            continue
        value = data[field]
        if field == "learning_outcomes":
            value = _outcomes_stream(value)
        elif field == "description":
            value = _rich_text(value)
        elif field == "price":
            value = Decimal(value)
        setattr(course, field, value)
    if "title" in data:
        course.draft_title = data["title"]


def _set_prerequisites(course: CoursePage, prerequisites: list[CoursePage]) -> None:
    if any(p.pk == course.pk for p in prerequisites):
        raise InvalidInput(
            "A course cannot be its own prerequisite.", field="prerequisites"
        )
    course.prerequisites = prerequisites


@transaction.atomic
def course_create(*, actor: User, data: dict) -> CoursePage:
    """Create a draft course under the catalog, owned and taught by ``actor`` (an admin
    may name another instructor). The first revision is saved; nothing is live."""
    catalog = catalog_get()
    course = CoursePage(
        title=data["title"],
        slug=_unique_slug(catalog, data["title"]),
        live=False,
        owner=actor,
        instructor=actor,
        description="",
        category="",
        estimated_duration=0,
    )
    _apply_course_fields(course, data)
    if not is_admin(actor):
        course.instructor = actor
    _clean_page(course)
    catalog.add_child(instance=course)
    if "prerequisites" in data:
        _set_prerequisites(course, data["prerequisites"])
    course.save_revision(user=actor, log_action=True)
    audit_log_record(
        action="course.created",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
    )
    return course


@transaction.atomic
def course_update(*, actor: User, course: CoursePage, data: dict) -> CoursePage:
    """Save a new revision with the changes; the live version stays as it is until
    the course is published."""
    _require_manager(actor, course)
    if not is_admin(actor):
        data = {k: v for k, v in data.items() if k != "instructor"}
    draft = course.get_latest_revision_as_object()
    _apply_course_fields(draft, data)
    if "prerequisites" in data:
        _set_prerequisites(draft, data["prerequisites"])
    _clean_page(draft)
    draft.save_revision(user=actor, log_action=True)
    return draft


@transaction.atomic
def course_submit(*, actor: User, course: CoursePage) -> CoursePage:
    """Submit the latest revision (and the course's draft modules) for review."""
    _require_manager(actor, course)
    if course.is_archived:
        raise Conflict("An archived course cannot be submitted for review.")
    if course.workflow_in_progress:
        raise Conflict("This course is already in review.")
    workflow = course.get_workflow()
    if workflow is None:
        raise Conflict("No review workflow is configured for the catalog.")
    if course.latest_revision is None:
        course.save_revision(user=actor)
    workflow.start(course, actor)
    audit_log_record(
        action="course.submitted",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
    )
    return CoursePage.objects.get(pk=course.pk)


@transaction.atomic
def course_publish(*, actor: User, course: CoursePage) -> CoursePage:
    """Approve the review (or, with no review running, publish directly) so the
    latest revision goes live, together with the course's unpublished modules."""
    _require_moderator(actor)
    task_state = course.current_workflow_task_state
    if task_state is not None:
        task_state.approve(user=actor)
    course = CoursePage.objects.get(pk=course.pk)
    if course.has_unpublished_changes or not course.live:
        # The moderator rule was checked above (admins moderate, whatever their
        # Wagtail groups); Wagtail would otherwise ask for its own publish permission.
        course.get_latest_revision().publish(user=actor, skip_permission_checks=True)
    course_modules_publish(course=course, actor=actor)
    audit_log_record(
        action="course.published",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
    )
    return CoursePage.objects.get(pk=course.pk)


def course_review_decision_record(
    *, course: CoursePage, actor: User | None, approved: bool, comment: str = ""
) -> None:
    """A moderator approved or rejected a course's review (in the editor or through
    the API): audited as ``course.approved`` / ``course.rejected`` with the
    moderator as actor, and the course's instructor is told
    (``content.course_approved`` / ``content.course_rejected``, with the comment).
    Runs in the transaction of the decision; the e-mail goes after commit."""
    action = "approved" if approved else "rejected"
    comment = (comment or "").strip()[:2000]
    audit_log_record(
        action=f"course.{action}",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"comment": comment} if comment else {},
    )
    instructor = course.instructor or course.owner
    if instructor is None:
        return
    moderator = (actor.get_full_name() or actor.email) if actor else ""
    notify(
        user=instructor,
        event=f"content.course_{action}",
        payload={
            "course_id": course.pk,
            "course_title": course.title,
            "moderator": moderator,
            "comment": comment,
            "edit_url": f"/cms/pages/{course.pk}/edit/",
        },
    )


def course_modules_publish(*, course: CoursePage, actor: User | None) -> int:
    """A course is reviewed as a whole: when it is published, its draft modules (not
    under a review of their own) go live with it. Returns how many were published."""
    published = 0
    for module in ModulePage.objects.child_of(course).filter(
        has_unpublished_changes=True
    ):
        revision = module.get_latest_revision()
        if revision is not None and not module.workflow_in_progress:
            revision.publish(user=actor, skip_permission_checks=True)
            published += 1
    return published


@transaction.atomic
def course_archive(*, actor: User, course: CoursePage) -> CoursePage:
    """Take a course out of the catalog and close enrollment. Pages, learner records
    and certificates stay; the course stays readable for those enrolled, who keep
    watching its videos, while its free previews close."""
    _require_manager(actor, course)
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    if course.archived_at is None:
        course.archived_at = timezone.now()
        course.save(update_fields=["archived_at"])
        audit_log_record(
            action="course.archived",
            user=actor,
            resource_type="course",
            resource_id=course.pk,
        )
        _archive_state_changed(course)
    return course


@transaction.atomic
def course_unarchive(*, actor: User, course: CoursePage) -> CoursePage:
    _require_moderator(actor)
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    if course.archived_at is not None:
        course.archived_at = None
        course.save(update_fields=["archived_at"])
        audit_log_record(
            action="course.unarchived",
            user=actor,
            resource_type="course",
            resource_id=course.pk,
        )
        _archive_state_changed(course)
    return course


def _archive_state_changed(course: CoursePage) -> None:
    """Archiving or restoring changes what the catalog lists and who may watch the
    course's videos (an archived course shows no free preview; enrolled learners
    keep watching): cached answers of both go at once, not when they expire."""
    transaction.on_commit(catalog_cache_bump)
    video_viewer_cache_reset_for_course(course_id=course.pk)

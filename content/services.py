"""Writes to courses and modules. The API and the demo data go through these, and they
use Wagtail's own machinery (revisions, workflows, publishing) so the editor and the
API show one truth."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, PermissionDenied

from .blocks import ModuleBodyBlock, clean_rich_text
from .cache import catalog_cache_bump
from .models import CourseIndexPage, CoursePage, HomePage, ModulePage

WORKFLOW_NAME = "Course review"
INSTRUCTORS = "Instructors"
MODERATORS = "Moderators"

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
MODULE_FIELDS = ("title", "description", "kind", "duration", "is_mandatory", "body")


# --- Site set-up -------------------------------------------------------------------


@transaction.atomic
def catalog_setup() -> CourseIndexPage:
    """Make sure the catalog exists with its review workflow and editor permissions.

    Idempotent; runs after every ``migrate`` and before demo data. Instructors may add
    courses under the catalog (and edit the pages they own); moderators may edit and
    publish anything in it and approve the "Course review" workflow.
    """
    home = HomePage.objects.first()
    if home is None:
        # A fresh database has Wagtail's root from its migrations; one emptied by
        # ``flush`` (as transactional tests do) has nothing, so start from scratch.
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale)
        )
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        home = root.add_child(
            instance=HomePage(title="Train for a career in cybersecurity", slug="home")
        )
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
    catalog = CourseIndexPage.objects.first()
    if catalog is None:
        catalog = home.add_child(
            instance=CourseIndexPage(
                title="Courses",
                slug="courses",
                intro="<p>Hands-on cybersecurity courses, from first steps to expert.</p>",  # noqa: E501
            )
        )
    instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    access_admin = _permission("wagtailadmin", "admin", "access_admin")
    instructors.permissions.add(access_admin)
    moderators.permissions.add(access_admin)
    for group, actions in (
        (instructors, ["add"]),
        (moderators, ["add", "change", "publish", "lock", "unlock"]),
    ):
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=catalog,
                permission=_permission("wagtailcore", "page", f"{action}_page"),
            )
    root_collection = Collection.get_first_root_node()
    for group in (instructors, moderators):
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            for action in ("add", "choose"):
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(app, model, f"{action}_{model}"),
                )
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created or not workflow.workflow_tasks.exists():
        task, _ = GroupApprovalTask.objects.get_or_create(name="Moderator approval")
        task.groups.set([moderators])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalog, defaults={"workflow": workflow})
    return catalog


def _permission(app_label: str, model: str, codename: str) -> Permission:
    # get_or_create: after a ``flush`` our post_migrate handler can run before
    # Django has re-created the permissions of apps later in INSTALLED_APPS.
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename}
    )
    return permission


def catalog_get() -> CourseIndexPage:
    return CourseIndexPage.objects.first() or catalog_setup()


# --- Rules -------------------------------------------------------------------------


def is_course_manager(user, course: CoursePage) -> bool:
    """Admins manage every course; instructors the ones they teach."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or course.instructor_id == user.pk


def is_moderator(user) -> bool:
    """Moderators (admins) publish, approve and restore archived courses."""
    return is_admin(user)


def _require_manager(user, course: CoursePage) -> None:
    if not is_course_manager(user, course):
        raise PermissionDenied("Only the course's instructor or an admin may do this.")


def _require_moderator(user) -> None:
    if not is_admin(user):
        raise PermissionDenied("Only moderators may publish courses.")


TREE_FIELDS = ["path", "depth", "numchild", "url_path"]


def _clean_page(page: Page) -> None:
    """Validate a page like the editor would; model errors become InvalidInput."""
    try:
        page.full_clean(exclude=TREE_FIELDS if page.pk is None else None)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == "__all__" else field
        ) from None


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:60] or "page"
    siblings = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


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


def _rich_text(text: str) -> str:
    """API text becomes paragraphs of rich text; markup is not trusted."""
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _set_prerequisites(course: CoursePage, prerequisites: list[CoursePage]) -> None:
    if any(p.pk == course.pk for p in prerequisites):
        raise InvalidInput(
            "A course cannot be its own prerequisite.", field="prerequisites"
        )
    course.prerequisites = prerequisites


# --- Courses -----------------------------------------------------------------------


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
    course_modules_publish(course=course, user=actor)
    audit_log_record(
        action="course.published",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
    )
    return CoursePage.objects.get(pk=course.pk)


def course_modules_publish(*, course: CoursePage, user: User | None) -> int:
    """A course is reviewed as a whole: when it is published, its draft modules (not
    under a review of their own) go live with it. Returns how many were published."""
    published = 0
    for module in ModulePage.objects.child_of(course).filter(
        has_unpublished_changes=True
    ):
        revision = module.get_latest_revision()
        if revision is not None and not module.workflow_in_progress:
            revision.publish(user=user, skip_permission_checks=True)
            published += 1
    return published


@transaction.atomic
def course_archive(*, actor: User, course: CoursePage) -> CoursePage:
    """Take a course out of the catalog and close enrollment. Pages, learner records
    and certificates stay; the course stays readable for those enrolled."""
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
        _catalog_changed()
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
        _catalog_changed()
    return course


def _catalog_changed() -> None:
    transaction.on_commit(catalog_cache_bump)


# --- Modules -----------------------------------------------------------------------


def module_body_stream(body, *, video_id: int | None = None) -> list:
    """API input for a module body: plain text (paragraphs) or a list of StreamField
    blocks ``[{"type": "rich_text", "value": "<p>…</p>"}, …]``, validated strictly.
    A ``video_id`` (checked by the caller) becomes a ``video`` block in front."""
    if video_id is not None:
        if isinstance(body, str):
            body = [{"type": "rich_text", "value": _rich_text(body)}] if body else []
        video = {"type": "video", "value": {"video_id": video_id, "caption": ""}}
        body = [video, *(body or [])]
    if body in (None, "", []):
        return []
    if isinstance(body, str):
        return [("rich_text", _rich_text(body))]
    stream = ModuleBodyBlock()
    try:
        # Defence in depth: whoever calls, rich text keeps only the editor's features.
        body = [
            {
                **item,
                "value": clean_rich_text(
                    stream.child_blocks[item["type"]], item["value"]
                ),
            }
            if isinstance(item, dict) and item.get("type") in stream.child_blocks
            else item
            for item in body
        ]
        value = stream.to_python(body)
        stream.clean(value)
    except (
        DjangoValidationError,
        TypeError,
        KeyError,
        ValueError,
        AttributeError,
    ) as exc:
        message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        raise InvalidInput(f"Invalid body: {message}", field="body") from None
    return value


@transaction.atomic
def module_create(*, actor: User, course: CoursePage, data: dict) -> ModulePage:
    """Append a draft module to a course (last in order). It goes live when the
    course is next published."""
    _require_manager(actor, course)
    if course.is_archived:
        raise Conflict("Modules cannot be added to an archived course.")
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    module = ModulePage(
        title=data["title"],
        slug=_unique_slug(course, data["title"]),
        live=False,
        owner=actor,
        description=data.get("description", ""),
        kind=data.get("kind", "text"),
        duration=data.get("duration", 0),
        is_mandatory=data.get("is_mandatory", True),
        body=module_body_stream(data.get("body"), video_id=data.get("video_id")),
    )
    _clean_page(module)
    course.add_child(instance=module)
    module.save_revision(user=actor, log_action=True)
    audit_log_record(
        action="module.created",
        user=actor,
        resource_type="module",
        resource_id=module.pk,
    )
    return module

"""Site set-up: the catalog page, its review workflow and the editors' permissions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
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

from ..models import CourseIndexPage, HomePage

WORKFLOW_NAME = "Course review"
INSTRUCTORS = "Instructors"
MODERATORS = "Moderators"


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

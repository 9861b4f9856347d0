"""Course archival in the editor: an "Archive course" / "Restore course" action in
the page's action menu, header and listing menus, and the course status shown
while editing. Videos in the admin (``video_admin``) and access-checked document
downloads (``documents``). The demo catalog's seeder (``portal.hooks.DEMO_SEED``)."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permissions import register_permission_policy

from portal import hooks as portal_hooks
from portal.accounts.permissions import is_admin

from . import privacy
from .access import is_course_manager, is_moderator
from .cms import pages
from .cms.videos import (
    VideoProblemsPanel,
    VideoViewSet,
    video_chooser_viewset,
    video_permission_policy,
)
from .demo.seed import seed_courses
from .media import VideoAsset
from .metrics import content_metrics_register
from .models import ASSESSED_COMPLETION, CoursePage, ModulePage
from .views import document_serve

# Before anything asks the registry for VideoAsset's policy (Wagtail would make a
# fallback one).
register_permission_policy(VideoAsset, video_permission_policy)

hooks.register(portal_hooks.DEMO_SEED, seed_courses, order=10)
hooks.register(portal_hooks.METRICS, content_metrics_register)


def _may_archive(user, page) -> bool:
    return (
        isinstance(page, CoursePage)
        and not page.is_archived
        and is_course_manager(user=user, course=page)
    )


def _may_restore(user, page) -> bool:
    return isinstance(page, CoursePage) and page.is_archived and is_moderator(user=user)


@hooks.register("register_admin_urls")
def course_admin_urls():
    return [
        path(
            "courses/<int:page_id>/archive/",
            pages.course_archive_view,
            name="content_course_archive",
        ),
        path(
            "courses/<int:page_id>/restore/",
            pages.course_unarchive_view,
            name="content_course_restore",
        ),
    ]


class ArchiveCourseMenuItem(ActionMenuItem):
    label = _("Archive course")
    name = "action-archive-course"
    icon_name = "folder-inverse"

    def is_shown(self, context):
        return context["view"] == "edit" and _may_archive(
            context["request"].user, context["page"]
        )

    def get_url(self, parent_context):
        return reverse("content_course_archive", args=[parent_context["page"].pk])


class RestoreCourseMenuItem(ActionMenuItem):
    label = _("Restore course")
    name = "action-restore-course"
    icon_name = "rotate"

    def is_shown(self, context):
        return context["view"] == "edit" and _may_restore(
            context["request"].user, context["page"]
        )

    def get_url(self, parent_context):
        return reverse("content_course_restore", args=[parent_context["page"].pk])


@hooks.register("register_page_action_menu_item")
def archive_course_menu_item():
    return ArchiveCourseMenuItem(order=70)


@hooks.register("register_page_action_menu_item")
def restore_course_menu_item():
    return RestoreCourseMenuItem(order=71)


class ArchiveCourseButton(PageMenuItem):
    label = _("Archive course")
    icon_name = "folder-inverse"
    url_name = "content_course_archive"

    def is_shown(self, user):
        return _may_archive(user, self.page)


class RestoreCourseButton(PageMenuItem):
    label = _("Restore course")
    icon_name = "rotate"
    url_name = "content_course_restore"

    def is_shown(self, user):
        return _may_restore(user, self.page)


@hooks.register("register_page_header_buttons")
def course_header_buttons(page, user, view_name, next_url=None):
    page = page.specific_deferred
    yield ArchiveCourseButton(page=page, next_url=next_url, priority=55)
    yield RestoreCourseButton(page=page, next_url=next_url, priority=56)


@hooks.register("register_page_listing_more_buttons")
def course_listing_buttons(page, user, next_url=None):
    page = page.specific_deferred
    yield ArchiveCourseButton(page=page, next_url=next_url, priority=35)
    yield RestoreCourseButton(page=page, next_url=next_url, priority=36)


@hooks.register("before_edit_page")
def course_status_message(request, page):
    """Say so when the course being edited is archived (its status tag reads
    "archived" too): saving and publishing keep it archived."""
    if request.method == "GET" and isinstance(page, CoursePage) and page.is_archived:
        messages.warning(
            request,
            _(
                "This course is archived: it is not listed in the catalog and takes "
                "no new enrollments. Edits and publishing keep it archived."
            ),
        )


@hooks.register("before_edit_page")
def uncompletable_modules_message(request, page):
    """Warn the author of a module completed by an assessment (``pass``) or by
    flags (``flag``) that nothing completes yet: learners could never finish it,
    nor the course if it is required. Shown on the module and on its course."""
    if request.method != "GET":
        return
    if isinstance(page, ModulePage):
        modules = [page] if page.completion in ASSESSED_COMPLETION else []
    elif isinstance(page, CoursePage):
        modules = list(
            ModulePage.objects.child_of(page).filter(completion__in=ASSESSED_COMPLETION)
        )
    else:
        return
    covered = portal_hooks.completion_sources(module_ids=[m.pk for m in modules])
    missing = [m for m in modules if m.pk not in covered]
    if not missing:
        return
    messages.warning(
        request,
        _(
            "No assessment completes %(modules)s yet, so learners cannot finish it. "
            "Add an assessment for it under Assessments: a required one, or for a "
            "lab a flag lab."
        )
        % {"modules": ", ".join(f"“{m.title}”" for m in missing)},
    )


@hooks.register("construct_document_chooser_queryset")
def own_documents_only(documents, request):
    """Instructors choose among their own documents (admins: all): a module shows
    only documents its course's instructor or an admin uploaded (``content.access``)."""
    if is_admin(request.user):
        return documents
    return documents.filter(uploaded_by_user=request.user)


# After Wagtail's own collection view restrictions (order 0): access to documents
# follows the modules that show them, and the bytes go through portal.files.
hooks.register("before_serve_document", document_serve, order=10)


@hooks.register("register_admin_viewset")
def video_viewsets():
    return [VideoViewSet(), video_chooser_viewset]


@hooks.register("construct_homepage_panels")
def video_problems_panel(request, panels):
    panel = VideoProblemsPanel(request)
    if panel.videos:
        panels.append(panel)


@hooks.register("insert_global_admin_css")
def video_admin_css():
    # Failed transcodes stand out in the video list.
    return format_html(
        "<style>{}</style>",
        ".video-failed td { background: var(--w-color-critical-50, #fde9e9); }",
    )


hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=30)

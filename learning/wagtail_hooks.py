"""Editor rules that depend on learner records (content cannot know about them),
and this app's answers to the portal's extension points (``portal.hooks``)."""

from collections.abc import Iterable

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal import hooks as portal_hooks

from . import privacy
from .cms.roster import CourseListView, RosterView, may_see_rosters
from .demo import seed_learning
from .metrics import learning_metrics_register
from .models import Certificate, Enrollment, ModuleProgress
from .selectors import is_enrolled_in_any, module_completion_state

hooks.register(portal_hooks.COURSE_MEMBER_CHECK, is_enrolled_in_any)
hooks.register(portal_hooks.MODULE_STATE, module_completion_state)
hooks.register(portal_hooks.DEMO_SEED, seed_learning, order=20)
# After its nested apps (mentorship, payments, ...) and the apps above it
# (assessments, corporate): their rows may point at enrollments.
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=20)
hooks.register(portal_hooks.METRICS, learning_metrics_register)


def pages_with_learner_records(*, page_ids: Iterable[int]) -> bool:
    page_ids = list(page_ids)
    return (
        Enrollment.objects.filter(course_id__in=page_ids).exists()
        or ModuleProgress.objects.filter(module_id__in=page_ids).exists()
        or Certificate.objects.filter(course_id__in=page_ids).exists()
    )


def _refusal(request, page):
    messages.error(
        request,
        _(
            "“%(title)s” cannot be deleted: learners have records on it (enrollments, "
            "progress or certificates). Archive the course instead."
        )
        % {"title": page.get_admin_display_title()},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_learners(request, page):
    ids = page.get_descendants(inclusive=True).values_list("pk", flat=True)
    if pages_with_learner_records(page_ids=ids):
        return _refusal(request, page)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_pages_with_learners(
    request, action_type, objects, action_class_instance
):
    if action_type != "delete" or getattr(action_class_instance, "model", None) is None:
        return None
    for page in objects:
        if not hasattr(page, "get_descendants"):
            return None
        ids = page.get_descendants(inclusive=True).values_list("pk", flat=True)
        if pages_with_learner_records(page_ids=ids):
            return _refusal(request, page)
    return None


# --- Learners: the course roster for instructors and admins -------------------------


@hooks.register("register_admin_urls")
def roster_admin_urls():
    return [
        path("learning/courses/", CourseListView.as_view(), name="learning_courses"),
        path(
            "learning/courses/<int:course_id>/roster/",
            RosterView.as_view(),
            name="learning_course_roster",
        ),
    ]


class LearnersMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_rosters(request.user)


@hooks.register("register_admin_menu_item")
def learners_menu_item():
    return LearnersMenuItem(
        _("Learners"),
        reverse("learning_courses"),
        name="learners",
        icon_name="group",
        order=250,
    )

"""Assessments in the Wagtail admin: the "Assessments" viewset (authoring, results,
retiring) and the "Grading" queue for essays; and this app's answers to the portal's
extension points (``portal.hooks``)."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from portal import hooks as portal_hooks

from . import privacy
from .analytics import (
    best_scores,
    course_assessment_analytics,
    course_learner_results,
    learner_attention,
    user_assessment_history,
)
from .cms.gradebook import GradebookView
from .cms.grading import GradeAttemptView, GradingQueueView, may_grade
from .cms.permissions import AssessmentPermissionPolicy
from .cms.views import AssessmentViewSet
from .demo import seed_assessments
from .models import Assessment
from .selectors import completing_module_ids
from .services import required_assessment_guard

hooks.register(portal_hooks.COMPLETION_GUARD, required_assessment_guard)
hooks.register(portal_hooks.COMPLETION_SOURCES, completing_module_ids)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)
hooks.register(portal_hooks.COURSE_ASSESSMENT_ANALYTICS, course_assessment_analytics)
hooks.register(portal_hooks.USER_ASSESSMENT_HISTORY, user_assessment_history)
hooks.register(portal_hooks.LEARNER_ATTENTION, learner_attention)

hooks.register(portal_hooks.LEARNER_RESULTS, course_learner_results)
hooks.register(portal_hooks.BEST_SCORES, best_scores)
hooks.register(portal_hooks.DEMO_SEED, seed_assessments, order=15)

# Registered before any view asks for the model's policy (Wagtail would otherwise
# create a Django-permissions fallback).
register_permission_policy(Assessment, AssessmentPermissionPolicy(Assessment))


@hooks.register("register_admin_viewset")
def register_assessment_viewset():
    return AssessmentViewSet("assessments")


@hooks.register("register_admin_urls")
def grading_admin_urls():
    return [
        path("grading/", GradingQueueView.as_view(), name="assessments_grading_queue"),
        path(
            "grading/<int:attempt_id>/",
            GradeAttemptView.as_view(),
            name="assessments_grading_attempt",
        ),
        path(
            "grading/courses/<int:course_id>/gradebook/",
            GradebookView.as_view(),
            name="assessments_gradebook",
        ),
    ]


@hooks.register("insert_global_admin_css")
def question_editor_css():
    # A question's id is generated and carried in a hidden input: no empty
    # "Question id" label either. Ticked choices read as the answer.
    return format_html(
        "<style>{}</style>",
        '.assessment-question [data-contentpath="id"] { display: none; }',
    )


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return may_grade(request.user)


@hooks.register("register_admin_menu_item")
def grading_menu_item():
    return GradingMenuItem(
        _("Grading"),
        reverse("assessments_grading_queue"),
        name="grading",
        icon_name="edit",
        order=260,
    )


# --- Proctoring review (owned by the "proctoring" helper) ---------------------------

from .cms.proctoring import admin_urls as proctoring_admin_urls  # noqa: E402
from .cms.proctoring import menu_item as proctoring_menu_item  # noqa: E402


@hooks.register("register_admin_urls")
def register_proctoring_admin_urls():
    return proctoring_admin_urls()


@hooks.register("register_admin_menu_item")
def register_proctoring_menu_item():
    return proctoring_menu_item()

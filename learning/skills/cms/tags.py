"""The Wagtail admin's "NICE Framework" menu: tag modules with statements (teaches or
assesses) and set a course's primary work role. Instructors see and change only
their own courses' rows; writes go through ``learning.skills.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser

from content.access import is_course_manager
from content.models import CoursePage, ModulePage

from .. import services
from ..models import CourseWorkRole, ModuleStatementTag
from ..selectors import modules_of_managed_courses_q
from .base import (
    CourseRowPermissionPolicy,
    ScopedMixin,
    ServiceDeleteMixin,
    ServiceSaveMixin,
    managed_q,
)
from .choosers import statement_chooser_viewset, work_role_chooser_viewset

# --- Module tags -------------------------------------------------------------------


class ModuleTagPermissionPolicy(CourseRowPermissionPolicy):
    def course_of(self, instance):
        return instance.module.get_parent().specific

    def scope_q(self, user):
        return modules_of_managed_courses_q(user=user, prefix="module__")


class ModuleTagForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        self.fields["module"].widget = AdminPageChooser(
            target_models=[ModulePage], can_choose_root=False
        )
        self.fields["statement"].widget = statement_chooser_viewset.widget_class()

    def clean_module(self):
        module = self.cleaned_data["module"]
        course = module.get_parent().specific
        if not isinstance(course, CoursePage) or not is_course_manager(
            user=self.user, course=course
        ):
            raise forms.ValidationError(_("Choose a module of a course you teach."))
        return module

    class Meta:
        model = ModuleStatementTag
        fields = ["module", "statement", "purpose"]


class ModuleTagCreateView(ServiceSaveMixin, generic.CreateView):
    def save_through_service(self, form):
        return services.module_tag_set(
            actor=self.request.user,
            module=form.cleaned_data["module"],
            statement=form.cleaned_data["statement"],
            purpose=form.cleaned_data["purpose"],
        )


class ModuleTagEditView(ScopedMixin, ServiceSaveMixin, generic.EditView):
    def save_through_service(self, form):
        if form.initial.get("statement") != form.cleaned_data["statement"].pk or (
            form.initial.get("module") != form.cleaned_data["module"].pk
        ):
            services.module_tag_delete(
                actor=self.request.user,
                tag=ModuleStatementTag.objects.get(pk=self.object.pk),
            )
        return services.module_tag_set(
            actor=self.request.user,
            module=form.cleaned_data["module"],
            statement=form.cleaned_data["statement"],
            purpose=form.cleaned_data["purpose"],
        )


class ModuleTagDeleteView(ScopedMixin, ServiceDeleteMixin, generic.DeleteView):
    def delete_through_service(self):
        services.module_tag_delete(actor=self.request.user, tag=self.object)


class ModuleTagIndexView(ScopedMixin, generic.IndexView):
    pass


class ModuleTagViewSet(ModelViewSet):
    model = ModuleStatementTag
    icon = "tag"
    menu_label = _("Module tags")
    add_to_admin_menu = False
    form_fields = ["module", "statement", "purpose"]
    panels = [FieldPanel("module"), FieldPanel("statement"), FieldPanel("purpose")]
    list_display = [
        Column("module", label=_("Module"), accessor="module"),
        Column("statement", label=_("Statement"), accessor="statement"),
        Column("purpose", label=_("Purpose"), accessor="get_purpose_display"),
    ]
    list_filter = ["purpose"]
    index_view_class = ModuleTagIndexView
    add_view_class = ModuleTagCreateView
    edit_view_class = ModuleTagEditView
    delete_view_class = ModuleTagDeleteView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return ModuleTagForm


# --- A course's primary work role --------------------------------------------------


class CourseRolePermissionPolicy(CourseRowPermissionPolicy):
    def course_of(self, instance):
        return instance.course

    def scope_q(self, user):
        return managed_q(user, "course__")


class CourseRoleForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        self.fields["course"].widget = AdminPageChooser(
            target_models=[CoursePage], can_choose_root=False
        )
        self.fields["work_role"].widget = work_role_chooser_viewset.widget_class()

    def clean_course(self):
        course = self.cleaned_data["course"]
        if not is_course_manager(user=self.user, course=course):
            raise forms.ValidationError(_("Choose a course you teach."))
        return course

    class Meta:
        model = CourseWorkRole
        fields = ["course", "work_role"]


class CourseRoleCreateView(ServiceSaveMixin, generic.CreateView):
    def save_through_service(self, form):
        return services.course_primary_role_set(
            actor=self.request.user,
            course=form.cleaned_data["course"],
            work_role=form.cleaned_data["work_role"],
        )


class CourseRoleEditView(ScopedMixin, ServiceSaveMixin, generic.EditView):
    def save_through_service(self, form):
        return services.course_primary_role_set(
            actor=self.request.user,
            course=form.cleaned_data["course"],
            work_role=form.cleaned_data["work_role"],
        )


class CourseRoleDeleteView(ScopedMixin, ServiceDeleteMixin, generic.DeleteView):
    def delete_through_service(self):
        services.course_primary_role_set(
            actor=self.request.user, course=self.object.course, work_role=None
        )


class CourseRoleIndexView(ScopedMixin, generic.IndexView):
    pass


class CourseRoleViewSet(ModelViewSet):
    model = CourseWorkRole
    icon = "user"
    menu_label = _("Course work roles")
    add_to_admin_menu = False
    form_fields = ["course", "work_role"]
    panels = [FieldPanel("course"), FieldPanel("work_role")]
    list_display = [
        Column("course", label=_("Course"), accessor="course"),
        Column("work_role", label=_("Primary work role"), accessor="work_role"),
        Column("set_by", label=_("Set by"), accessor="set_by"),
    ]
    index_view_class = CourseRoleIndexView
    add_view_class = CourseRoleCreateView
    edit_view_class = CourseRoleEditView
    delete_view_class = CourseRoleDeleteView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CourseRoleForm


module_tag_viewset = ModuleTagViewSet("nice_module_tags")
course_role_viewset = CourseRoleViewSet("nice_course_roles")

# The "NICE Framework" admin menu: a submenu other apps add to by registering
# menu items for this hook (assessments adds its question and flag tags).
MENU_HOOK = "register_nice_framework_menu_item"


def nice_framework_menu_item():
    return SubmenuMenuItem(
        _("NICE Framework"),
        Menu(register_hook_name=MENU_HOOK),
        name="nice-framework",
        icon_name="tag",
        order=270,
    )

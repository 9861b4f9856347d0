"""Enrollments and certificates in the Django admin, for administrators.

Lists with filters and search; every change goes through the learning services
(``enrollment_create`` / ``enrollment_cancel`` / ``enrollment_reopen``,
``certificate_revoke`` / ``certificate_reissue``), which check the rules, write the
audit log and notify the learner. Rows are never edited or deleted by hand here:
the records are the learner's history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from content.models import CoursePage
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import DomainError

from .models import Certificate, Enrollment, EnrollmentSource
from .services import enrollment_cancel, enrollment_create, enrollment_reopen
from .services.certificates import (
    certificate_pdf_response,
    certificate_reissue,
    certificate_revoke,
)


class _AdminOnly:
    """Learner records are for administrators (the role, checked now), whatever
    Django permissions a staff account holds."""

    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _run(modeladmin, request, queryset, service, done: str) -> None:
    """Call ``service(obj)`` for each selected row; report successes and each
    refusal (a domain rule's message) without stopping at the first."""
    count = 0
    for obj in queryset:
        try:
            service(obj)
            count += 1
        except DomainError as error:
            modeladmin.message_user(
                request, f"{obj}: {error.message}", messages.WARNING
            )
    if count:
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


# --- Enrollments --------------------------------------------------------------------


class EnrollUserForm(forms.Form):
    # Searched as the admin types (Django admin's autocomplete over the users'
    # e-mail and names), not a select of every account.
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("email"),
        label=_("Learner"),
        widget=AutocompleteSelect(Enrollment._meta.get_field("user"), admin.site),
    )
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.live()
        .filter(archived_at__isnull=True)
        .order_by("title"),
        label=_("Course"),
    )


@admin.register(Enrollment)
class EnrollmentAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = (
        "user",
        "course_title",
        "status",
        "source",
        "progress_percentage",
        "enrolled_at",
        "last_accessed",
    )
    list_filter = ("status", "source", "course")
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "course__title",
    )
    list_select_related = ("user", "course")
    date_hierarchy = "enrolled_at"
    ordering = ("-enrolled_at",)
    actions = ["cancel_enrollments", "reopen_enrollments"]
    readonly_fields = (
        "user",
        "course",
        "source",
        "status",
        "enrolled_at",
        "completed_at",
        "cancelled_at",
        "progress_percentage",
        "last_accessed",
        "last_module",
    )
    change_list_template = "admin/learning/enrollment/change_list.html"

    @admin.display(description=_("Course"), ordering="course__title")
    def course_title(self, obj: Enrollment) -> str:
        return obj.course.title

    def get_urls(self):
        return [
            path(
                "enroll/",
                self.admin_site.admin_view(self.enroll_view),
                name="learning_enrollment_enroll",
            ),
            *super().get_urls(),
        ]

    def enroll_view(self, request):
        """Enroll a learner in a course (source ``admin``: no payment needed)."""
        if not is_admin(request.user):
            raise DjangoPermissionDenied
        form = EnrollUserForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                enrollment = enrollment_create(
                    actor=request.user,
                    course_id=form.cleaned_data["course"].pk,
                    user=form.cleaned_data["user"],
                    source=EnrollmentSource.ADMIN,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(user)s is enrolled in %(course)s.")
                    % {"user": enrollment.user, "course": enrollment.course.title},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:learning_enrollment_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enroll a learner"),
            "form": form,
        }
        return TemplateResponse(request, "admin/learning/enroll_form.html", context)

    @admin.action(description=_("Cancel the selected enrollments (progress kept)"))
    def cancel_enrollments(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda e: enrollment_cancel(enrollment=e, actor=request.user),
            _("%(count)d enrollment(s) cancelled."),
        )

    @admin.action(description=_("Reopen the selected cancelled enrollments"))
    def reopen_enrollments(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda e: enrollment_reopen(actor=request.user, enrollment=e),
            _("%(count)d enrollment(s) reopened."),
        )


# --- Certificates -------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the audit log; a revocation notice shows it."),
    )


@admin.register(Certificate)
class CertificateAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = (
        "number",
        "holder_name",
        "course_title",
        "issued_at",
        "expires_at",
        "state",
        "download",
    )
    list_filter = (
        ("revoked_at", admin.EmptyFieldListFilter),
        "issued_at",
        "course",
    )
    search_fields = ("number", "holder_name", "user__email", "course_title")
    list_select_related = ("user",)
    date_hierarchy = "issued_at"
    ordering = ("-issued_at",)
    actions = ["revoke_certificates", "reissue_certificates"]
    exclude = ("verification_hash",)
    readonly_fields = (
        "number",
        "user",
        "enrollment",
        "course",
        "holder_name",
        "course_title",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "download",
    )

    @admin.display(description=_("State"))
    def state(self, obj: Certificate) -> str:
        return _("revoked") if obj.revoked_at else _("valid")

    @admin.display(description=_("PDF"))
    def download(self, obj: Certificate) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:learning_certificate_download", args=[obj.pk]),
            _("Download"),
        )

    def get_urls(self):
        return [
            path(
                "<int:certificate_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="learning_certificate_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, certificate_id: int):
        if not is_admin(request.user):
            raise DjangoPermissionDenied
        certificate = Certificate.objects.filter(pk=certificate_id).first()
        if certificate is None:
            return HttpResponseRedirect(
                reverse("admin:learning_certificate_changelist")
            )
        return certificate_pdf_response(certificate=certificate)

    def _with_reason(self, request, queryset, *, title: str, action: str, apply):
        """An action that asks for a reason first (an intermediate page), then
        applies ``apply(certificate, reason)`` to each selected certificate."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            _run(
                self,
                request,
                queryset,
                lambda c: apply(c, reason),
                _("%(count)d certificate(s) done: ") + title,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "objects": queryset,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/learning/reason_action.html", context)

    @admin.action(description=_("Revoke the selected certificates…"))
    def revoke_certificates(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            title=str(_("Revoke certificates")),
            action="revoke_certificates",
            apply=lambda c, reason: certificate_revoke(
                certificate=c, actor=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Re-issue the selected certificates…"))
    def reissue_certificates(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            title=str(_("Re-issue certificates")),
            action="reissue_certificates",
            apply=lambda c, reason: certificate_reissue(
                certificate=c, actor=request.user, reason=reason
            ),
        )

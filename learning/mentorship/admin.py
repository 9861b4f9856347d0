"""Django admin screens: mentorships (assign, end, load per mentor) and the queue
of learners' requests. Every change goes through the services, so the admin grants
and revokes access, fulfils requests and sends messages exactly like the API."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from learning.models import MentorAssignment
from portal.accounts.models import Role, User
from portal.errors import DomainError

from . import selectors, services
from .models import MentoringSession, MentorRequest, MentorRequestStatus, SessionNote


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = MentorAssignment
        fields = ["mentor", "mentee", "course"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mentor" in self.fields:
            self.fields["mentor"].queryset = User.objects.filter(
                role=Role.MENTOR, is_active=True
            ).order_by("email")
            self.fields["mentee"].queryset = User.objects.filter(
                is_active=True
            ).order_by("email")


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(admin.ModelAdmin):
    form = AssignmentForm
    list_display = [
        "mentor",
        "mentee",
        "course",
        "created_at",
        "ended_at",
        "mentor_load",
    ]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["mentor__email", "mentee__email"]
    list_select_related = ["mentor", "mentee", "course"]
    actions = ["end_mentorships"]
    change_list_template = "admin/mentorship/mentorassignment/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _load=Count(
                    "mentor__mentee_assignments",
                    filter=Q(mentor__mentee_assignments__ended_at__isnull=True),
                )
            )
        )

    @admin.display(description=_("Mentor's active mentees"), ordering="_load")
    def mentor_load(self, obj) -> int:
        return obj._load

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["assigned_by", "created_at", "ended_at", "ended_by"]
        return [
            "mentor",
            "mentee",
            "course",
            "assigned_by",
            "created_at",
            "ended_at",
            "ended_by",
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        mentee = request.GET.get("mentee")
        if mentee and mentee.isdigit():
            initial["mentee"] = int(mentee)
        return initial

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # end a mentorship instead: sessions, notes and reviews stay

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.mentorship_create(
                actor=request.user,
                mentor_id=form.cleaned_data["mentor"].pk,
                mentee_id=form.cleaned_data["mentee"].pk,
                course_id=(
                    form.cleaned_data["course"].pk
                    if form.cleaned_data.get("course")
                    else None
                ),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            raise _Refused(error.message) from None
        obj.pk = created.pk
        obj.created_at = created.created_at

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _Refused as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("End the selected mentorships"))
    def end_mentorships(self, request, queryset):
        ended = 0
        for assignment in queryset.filter(ended_at__isnull=True):
            services.mentorship_end(actor=request.user, assignment=assignment)
            ended += 1
        messages.success(request, _("%(n)d mentorship(s) ended.") % {"n": ended})

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "mentor_load": selectors.mentor_load_list(),
            "open_requests": selectors.mentor_request_list(
                actor=request.user, status=MentorRequestStatus.OPEN
            ).count(),
        }
        return super().changelist_view(request, extra_context)


class _Refused(Exception):
    """A service refused an assignment made in the admin form."""


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    list_display = ["learner", "course", "status", "created_at", "assign_link"]
    list_filter = ["status"]
    search_fields = ["learner__email", "message"]
    list_select_related = ["learner", "course"]
    readonly_fields = [
        "learner",
        "course",
        "message",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
        "assignment",
    ]
    actions = ["decline"]

    def has_add_permission(self, request) -> bool:
        return False  # learners ask; admins answer

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Assign a mentor"))
    def assign_link(self, obj):
        if obj.status != MentorRequestStatus.OPEN:
            return "—"
        url = reverse("admin:learning_mentorassignment_add")
        return format_html(
            '<a href="{}?mentee={}">{}</a>', url, obj.learner_id, _("Assign")
        )

    @admin.action(description=_("Decline the selected requests"))
    def decline(self, request, queryset):
        for found in queryset.filter(status=MentorRequestStatus.OPEN):
            services.mentor_request_resolve(
                actor=request.user, request=found, status=MentorRequestStatus.DECLINED
            )


class NoteInline(admin.TabularInline):
    model = SessionNote
    extra = 0
    fields = ["author", "shared", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(MentoringSession)
class MentoringSessionAdmin(admin.ModelAdmin):
    """Read-only: sessions change through the portal (booking, cancelling)."""

    list_display = ["start", "mentor", "mentee", "topic", "status"]
    list_filter = ["status"]
    search_fields = ["mentor__email", "mentee__email", "topic"]
    list_select_related = ["mentor", "mentee"]
    inlines = [NoteInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

"""Django admin for the partner side: organizations with their members, seat pools
and invitations. Writes that carry rules (adding or removing a member, which grants
and revokes what representatives see) go through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError

from .models import (
    Invitation,
    Organization,
    OrganizationMembership,
    SeatAssignment,
    SeatPool,
)
from .services import organization_member_add, organization_member_remove


class SeatPoolInline(admin.TabularInline):
    model = SeatPool
    extra = 1
    fields = ("course", "quantity", "expires_at", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("course",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "contact_email", "created_at")
    search_fields = ("name", "slug", "contact_email")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SeatPoolInline]


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "joined_at", "left_at")
    list_filter = ("role", "organization")
    search_fields = ("user__email", "organization__name")
    raw_id_fields = ("user",)
    actions = ["end_memberships"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("joined_at", "left_at")
        return ("organization", "user", "role", "joined_at", "left_at")

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["weekly_report"])
            return
        try:
            saved = organization_member_add(
                organization=obj.organization,
                user=obj.user,
                role=obj.role,
                actor=request.user,
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # memberships end (left_at); the history stays

    @admin.action(description=_("End the selected memberships"))
    def end_memberships(self, request, queryset):
        for membership in queryset.filter(left_at__isnull=True):
            organization_member_remove(membership=membership, actor=request.user)


@admin.register(SeatPool)
class SeatPoolAdmin(admin.ModelAdmin):
    list_display = ("organization", "course", "quantity", "expires_at", "created_at")
    list_filter = ("organization",)
    raw_id_fields = ("course", "created_by")


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(admin.ModelAdmin):
    list_display = ("pool", "user", "assigned_at", "released_at")
    list_filter = ("pool__organization",)
    readonly_fields = [f.name for f in SeatAssignment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "created_at", "expires_at", "accepted_at")
    list_filter = ("organization",)
    search_fields = ("email",)
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False

"""Course → Discord role mapping, for administrators only (Django admin); the
members' sync state, read-only."""

from django.contrib import admin

from portal.accounts.permissions import is_admin

from .models import CourseDiscordRoles, DiscordMember
from .services import course_discord_roles_delete, course_discord_roles_save


class AdministratorsOnly:
    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)


@admin.register(CourseDiscordRoles)
class CourseDiscordRolesAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = (
        "course",
        "enrolled_role_id",
        "completed_role_id",
        "certified_role_id",
        "updated_at",
    )
    search_fields = ("course__title",)
    list_select_related = ("course",)
    raw_id_fields = ("course",)

    def save_model(self, request, obj, form, change) -> None:
        course_discord_roles_save(actor=request.user, roles=obj)

    def delete_model(self, request, obj) -> None:
        course_discord_roles_delete(actor=request.user, roles=obj)

    def delete_queryset(self, request, queryset) -> None:
        for roles in queryset:
            course_discord_roles_delete(actor=request.user, roles=roles)


@admin.register(DiscordMember)
class DiscordMemberAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = (
        "discord_user_id",
        "user",
        "state",
        "in_guild",
        "roles",
        "synced_at",
        "last_error",
    )
    list_filter = ("state", "in_guild")
    search_fields = ("discord_user_id", "user__email")
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: entries are written by services only and never change."""

    list_display = (
        "created_at",
        "action",
        "actor_email",
        "resource_type",
        "resource_id",
        "ip_address",
        "chain",
        "sequence",
    )
    list_filter = ("chain", "action", "resource_type", "created_at")
    search_fields = ("actor_email", "action", "resource_id")
    date_hierarchy = "created_at"
    # Sequences count per chain; time is the order across chains.
    ordering = ("-created_at",)
    # No bulk delete (nor any other bulk action) on an append-only log.
    actions = None
    # Counting a large log on every page view is slow and tells nobody anything.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

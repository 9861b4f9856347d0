"""Read-mostly Django admin: attempts are written by the services only."""

from django.contrib import admin

from .models import Assessment, Attempt


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "assessment_type", "max_attempts", "created_at")
    list_filter = ("assessment_type", "required_for_completion")
    search_fields = ("title",)
    exclude = ("flag_salt",)
    readonly_fields = ("course", "module", "questions", "created_by", "schema_version")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("assessment", "user", "attempt_number", "status", "score", "late")
    list_filter = ("status", "late")
    exclude = ("answer_key",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

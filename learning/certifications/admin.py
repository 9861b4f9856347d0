"""CE credits per course are set here (or through the API); voucher codes are shown
without their secret code, and are loaded through the API's CSV upload."""

from django.contrib import admin

from .models import CourseCredit, VoucherCode


@admin.register(CourseCredit)
class CourseCreditAdmin(admin.ModelAdmin):
    list_display = ("course", "body", "hours")
    list_filter = ("body",)


@admin.register(VoucherCode)
class VoucherCodeAdmin(admin.ModelAdmin):
    list_display = ("course", "exam", "claimed_by", "claimed_at", "loaded_at")
    list_filter = ("exam",)
    exclude = ("code",)
    readonly_fields = ("course", "exam", "claimed_by", "claimed_at", "loaded_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from .models import ConsentRecord, ErasedAccount


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """The ledger, read-only: choices are made by the people themselves."""

    list_display = ("user", "purpose", "granted", "at", "source")
    list_filter = ("purpose", "granted", "source")
    search_fields = ("user__email",)
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasedAccount)
class ErasedAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "erased_at", "by_admin")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

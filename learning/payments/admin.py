"""Orders and payment events in the Django admin: read-only (the services write
them), filtered by status, with a refund action that goes through the provider."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError

from .models import Order, PaymentEvent
from .services import order_refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "course_title",
        "amount",
        "currency",
        "provider",
        "status",
        "created_at",
        "paid_at",
        "refunded_at",
    )
    list_filter = ("status", "provider")
    search_fields = ("user__email", "course_title", "reference", "provider_payment")
    list_select_related = ("user",)
    actions = ["refund"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    @admin.action(description=gettext_lazy("Refund the selected paid orders"))
    def refund(self, request, queryset):
        refunded = 0
        for order in queryset.order_by("pk"):
            try:
                order_refund(actor=request.user, order_id=order.pk)
            except DomainError as error:
                self.message_user(
                    request, f"Order {order.pk}: {error.message}", messages.ERROR
                )
            else:
                refunded += 1
        if refunded:
            self.message_user(
                request,
                _("%(count)d order(s) refunded; the enrollments are cancelled.")
                % {"count": refunded},
                messages.SUCCESS,
            )


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "order", "outcome")
    list_filter = ("provider", "type")
    search_fields = ("event_id",)
    list_select_related = ("order",)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

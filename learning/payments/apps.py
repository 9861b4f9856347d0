from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Orders for paid courses, checkout at Stripe or PayPal, the providers' webhooks,
    refunds and receipts. A paid order enrolls through
    ``learning.services.enrollment_create``."""

    name = "learning.payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

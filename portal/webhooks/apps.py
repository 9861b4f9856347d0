from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: endpoints partners register, an outbox of events written in
    the transaction of the change, and deliveries signed the Standard Webhooks way,
    retried with backoff for a day."""

    name = "portal.webhooks"
    label = "webhooks"
    verbose_name = "Outgoing webhooks"
    default_auto_field = "django.db.models.BigAutoField"

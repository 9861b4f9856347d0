from celery import shared_task

from .services import webhook_deliveries_due, webhook_delivery_attempt


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt one delivery (``services.webhook_delivery_attempt``); its retries
    are scheduled by the service, on the delivery row, not by Celery."""
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.deliver_due")
def deliver_due_webhooks() -> None:
    webhook_deliveries_due()

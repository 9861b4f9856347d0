from celery import shared_task

from .services import notification_deliver, notifications_redeliver


@shared_task(
    name="notifications.deliver",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=6,
)
def deliver_notification(notification_id: int) -> None:
    """Deliver one recorded notification (``services.notification_deliver``);
    SMTP outages (``OSError``) retry with backoff."""
    notification_deliver(notification_id=notification_id)


@shared_task(name="notifications.redeliver")
def redeliver_notifications() -> int:
    """Beat's sweeper: queue notifications whose delivery task was lost."""
    return len(notifications_redeliver(older_than_minutes=5))

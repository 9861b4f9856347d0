from celery import shared_task

from integrations.resilience import CircuitOpenError, TransientError

from .services.paypal import paypal_order_capture


@shared_task(name="payments.capture_paypal_order", bind=True, max_retries=8)
def capture_paypal_order(self, order_id: int) -> None:
    """Capture an approved PayPal order; PayPal being unreachable retries with
    backoff (the capture is idempotent at PayPal)."""
    try:
        paypal_order_capture(order_id=order_id)
    except (TransientError, CircuitOpenError) as exc:
        countdown = min(30 * 2**self.request.retries, 3600)
        raise self.retry(exc=exc, countdown=countdown) from exc

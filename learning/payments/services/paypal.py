"""PayPal's side of an order: apply its verified webhook events once, and capture
an approved order (from a Celery task)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from integrations.paypal.client import PayPalClient
from integrations.paypal.types import Event as PayPalEvent
from portal.errors import InvalidInput

from ..models import Order, OrderStatus, PaymentEvent, Provider
from .orders import order_failed_record, order_paid_record, order_refunded_record

HANDLED = {
    "CHECKOUT.ORDER.APPROVED",
    "PAYMENT.CAPTURE.COMPLETED",
    "PAYMENT.CAPTURE.DENIED",
    "PAYMENT.CAPTURE.REFUNDED",
}


def _cents(amount: dict) -> tuple[int | None, str]:
    try:
        value = Decimal(str(amount.get("value")))
        return int(value * 100), str(amount.get("currency_code") or "")
    except (InvalidOperation, TypeError, ValueError):
        return None, ""


def _by_reference(reference: str) -> Order | None:
    try:
        value = uuid.UUID(reference)
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(provider=Provider.PAYPAL, reference=value).first()


def _paypal_order(event: PayPalEvent) -> Order | None:
    resource = event.resource
    if event.event_type == "CHECKOUT.ORDER.APPROVED":
        return Order.objects.filter(
            provider=Provider.PAYPAL, provider_session=str(resource.get("id") or "x")
        ).first()
    order = _by_reference(str(resource.get("custom_id") or ""))
    if order is not None:
        return order
    if event.event_type == "PAYMENT.CAPTURE.REFUNDED":
        # A refund made at PayPal: the capture it belongs to is its "up" link.
        capture = next(
            (
                str(link.get("href", "")).rstrip("/").rsplit("/", 1)[-1]
                for link in resource.get("links") or []
                if isinstance(link, dict) and link.get("rel") == "up"
            ),
            "",
        )
        return Order.objects.filter(
            provider=Provider.PAYPAL, provider_payment=capture or "x"
        ).first()
    related = ((resource.get("supplementary_data") or {}).get("related_ids")) or {}
    return Order.objects.filter(
        provider=Provider.PAYPAL, provider_session=str(related.get("order_id") or "x")
    ).first()


@transaction.atomic
def paypal_event_apply(*, event: PayPalEvent) -> PaymentEvent | None:
    """Apply a verified PayPal event once; ``None`` when it was applied before.

    ``CHECKOUT.ORDER.APPROVED`` queues the capture; ``PAYMENT.CAPTURE.COMPLETED``
    pays the order (enrolls); ``…DENIED`` fails it; ``…REFUNDED`` refunds it, even
    before its payment arrived. Other types are recorded and ignored. Raises
    ``InvalidInput`` (nothing recorded) when a handled event names no order."""
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                provider=Provider.PAYPAL,
                event_id=event.id[:255],
                type=event.event_type[:100],
            )
    except IntegrityError:
        return None
    if event.event_type not in HANDLED:
        record.outcome = "ignored"
        record.save(update_fields=["outcome"])
        return record
    order = _paypal_order(event)
    if order is None:
        raise InvalidInput("The event names no order of this site.", field="event")
    record.order = order
    resource = event.resource
    if event.event_type == "CHECKOUT.ORDER.APPROVED":
        from ..tasks import capture_paypal_order

        order_id = order.pk
        transaction.on_commit(lambda: capture_paypal_order.delay(order_id))
        record.outcome = "capture queued"
    elif event.event_type == "PAYMENT.CAPTURE.COMPLETED":
        cents, currency = _cents(resource.get("amount") or {})
        order = order_paid_record(
            order_id=order.pk,
            provider_payment=str(resource.get("id") or ""),
            amount_cents=cents if cents is not None else -1,
            currency=currency,
        )
        record.outcome = f"order {order.status}"
    elif event.event_type == "PAYMENT.CAPTURE.DENIED":
        order = order_failed_record(order_id=order.pk, reason="Payment denied.")
        record.outcome = f"order {order.status}"
    else:
        order = order_refunded_record(
            order_id=order.pk, actor=None, provider_refund=str(resource.get("id") or "")
        )
        record.outcome = f"order {order.status}"
    record.save(update_fields=["order", "outcome"])
    return record


def paypal_order_capture(*, order_id: int) -> Order:
    """Capture an approved PayPal order (idempotent at PayPal by the order's
    reference) and, when the capture completed, pay the order. Raises the outside
    call errors for the task to retry. Not inside a transaction."""
    order = Order.objects.get(pk=order_id)
    if order.status != OrderStatus.PENDING or order.provider != Provider.PAYPAL:
        return order
    with PayPalClient() as paypal:
        captured = paypal.order_capture(
            order_id=order.provider_session, reference=str(order.reference)
        )
    if captured.capture_status == "COMPLETED":
        cents, currency = _cents(
            {"value": captured.amount, "currency_code": captured.currency}
        )
        order = order_paid_record(
            order_id=order.pk,
            provider_payment=captured.capture_id,
            amount_cents=cents if cents is not None else -1,
            currency=currency,
        )
    return order

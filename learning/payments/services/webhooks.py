"""Applying the providers' verified webhook events, each once.

The event's id is recorded in the same transaction as what it changes: a second
delivery of the event (a retry, or two at once) finds the row and changes nothing;
an event naming no order of ours is refused and nothing is recorded."""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction

from integrations.stripe.types import Event as StripeEvent
from portal.errors import InvalidInput

from ..models import Order, PaymentEvent, Provider
from .orders import order_failed_record, order_paid_record, order_refunded_record

logger = logging.getLogger(__name__)

STRIPE_SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
STRIPE_CHARGE_EVENTS = {"charge.refunded"}


def _order_by_reference(*, provider: str, reference: str) -> Order | None:
    try:
        value = uuid.UUID(reference)
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(provider=provider, reference=value).first()


def _stripe_order(event: StripeEvent) -> Order | None:
    if event.type in STRIPE_SESSION_EVENTS:
        session = event.checkout_session()
        reference = session.metadata.get("order_reference") or (
            session.client_reference_id
        )
        order = _order_by_reference(provider=Provider.STRIPE, reference=reference)
        if order is not None and order.provider_session not in ("", session.id):
            return None  # a session that is not this order's
        return order
    charge = event.charge()
    order = _order_by_reference(
        provider=Provider.STRIPE, reference=charge.metadata.get("order_reference", "")
    )
    if order is None and charge.payment_intent:
        order = Order.objects.filter(
            provider=Provider.STRIPE, provider_payment=charge.payment_intent
        ).first()
    return order


@transaction.atomic
def stripe_event_apply(*, event: StripeEvent) -> PaymentEvent | None:
    """Apply a verified Stripe event once; ``None`` when it was applied before.

    ``checkout.session.completed`` (paid) and ``…async_payment_succeeded`` pay the
    order and enroll the buyer; ``…async_payment_failed`` and ``…expired`` fail a
    pending order; ``charge.refunded`` (the whole charge) refunds the order, even
    before its payment event arrived. Other event types are recorded and ignored.
    Raises ``InvalidInput`` (nothing recorded) when a handled event names no order.
    """
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                provider=Provider.STRIPE, event_id=event.id, type=event.type[:100]
            )
    except IntegrityError:
        return None
    handled = STRIPE_SESSION_EVENTS | STRIPE_CHARGE_EVENTS
    if event.type not in handled:
        record.outcome = "ignored"
        record.save(update_fields=["outcome"])
        return record
    order = _stripe_order(event)
    if order is None:
        raise InvalidInput("The event names no order of this site.", field="event")
    record.order = order
    if event.type in (
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ):
        session = event.checkout_session()
        if not order.provider_session:
            Order.objects.filter(pk=order.pk).update(provider_session=session.id)
        if session.payment_status == "paid":
            order = order_paid_record(
                order_id=order.pk,
                provider_payment=session.payment_intent,
                amount_cents=session.amount_total,
                currency=session.currency,
            )
            record.outcome = f"order {order.status}"
        else:
            record.outcome = "awaiting payment"
    elif event.type in (
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
    ):
        order = order_failed_record(order_id=order.pk, reason=event.type)
        record.outcome = f"order {order.status}"
    else:
        charge = event.charge()
        if charge.refunded:
            order = order_refunded_record(
                order_id=order.pk, actor=None, provider_refund=charge.id
            )
            record.outcome = f"order {order.status}"
        else:
            record.outcome = "partial refund: order unchanged"
    record.save(update_fields=["order", "outcome"])
    return record

"""What happens to an order when its payment succeeds, fails or is refunded: the one
place each transition is written, for every provider and every origin (webhook,
admin refund). Each runs in a transaction with the order row locked first, then
what enrollment locks, so racing webhooks and refunds apply one after the other."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from learning.models import Enrollment, EnrollmentSource
from learning.services import enrollment_cancel, enrollment_create
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import DomainError
from portal.notifications.services import notify
from portal.webhooks.services import webhook_event_emit

from ..models import Order, OrderStatus

logger = logging.getLogger(__name__)


def _locked(order_id: int) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=order_id)
    )


def _money(order: Order) -> dict:
    return {
        "order_id": order.pk,
        "course_title": order.course_title,
        "amount": str(order.amount),
        "currency": order.currency,
    }


def _order_data(order: Order) -> dict:
    return {
        "order_id": order.pk,
        "user_id": order.user_id,
        "course_id": order.course_id,
        "amount": str(order.amount),
        "currency": order.currency,
        "provider": order.provider,
        "status": order.status,
        "enrolled": not order.note if order.status == OrderStatus.PAID else None,
    }


@transaction.atomic
def order_paid_record(
    *,
    order_id: int,
    provider_payment: str,
    amount_cents: int | None,
    currency: str,
) -> Order:
    """The provider says the order is paid: mark it paid and enroll the buyer
    through ``enrollment_create`` (source ``payment``), then send the receipt.

    A paid or refunded order stays as it is (a repeated or late event); a refund
    that arrived before the payment (events out of order) wins. A payment that does
    not match the order's amount and currency, or a course that no longer takes the
    buyer (full, archived), leaves the order paid but not enrolled, with a note for
    an admin to refund.
    """
    order = _locked(order_id)
    if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        return order
    order.status = OrderStatus.PAID
    order.paid_at = timezone.now()
    order.provider_payment = provider_payment or order.provider_payment
    expected = (order.amount_cents, order.currency.lower())
    if amount_cents is not None and (amount_cents, currency.lower()) != expected:
        order.note = (
            f"Paid {Decimal(amount_cents) / 100} {currency.upper()}, expected "
            f"{order.amount} {order.currency.upper()}: not enrolled; refund it."
        )
    elif order.course_id is None:
        order.note = "The course was deleted: not enrolled; refund it."
    else:
        try:
            with transaction.atomic():
                enrollment_create(
                    actor=order.user,
                    course_id=order.course_id,
                    source=EnrollmentSource.PAYMENT,
                )
        except DomainError as error:
            if error.code != "ALREADY_ENROLLED":
                order.note = f"Not enrolled: {error.message} Refund it."
            logger.warning(
                "paid order not enrolled",
                extra={"order_id": order.pk, "reason": error.code},
            )
    order.save(update_fields=["status", "paid_at", "provider_payment", "note"])
    audit_log_record(
        action="order.paid",
        user=order.user,
        resource_type="order",
        resource_id=order.pk,
        details={**_money(order), "provider": order.provider, "note": order.note},
    )
    webhook_event_emit(event="order.paid", data=_order_data(order))
    notify(
        user=order.user,
        event="payments.order_paid",
        payload={
            **_money(order),
            "receipt_path": f"/learn/orders/{order.pk}/receipt/",
            "enrolled": not order.note,
        },
        key=f"payments.order_paid:{order.pk}",
    )
    return order


@transaction.atomic
def order_refunded_record(
    *, order_id: int, actor: User | None, provider_refund: str
) -> Order:
    """The order's money went back to the buyer (an admin's refund, or one made at
    the provider): mark it refunded, cancel the enrollment it paid for through
    ``enrollment_cancel`` and tell the learner.

    ``actor`` is the admin who refunded, ``None`` when the provider reported it (the
    cancellation is then recorded as the buyer's own). A pending order refunded
    before its payment event arrived becomes refunded and never enrolls. Refunding
    twice changes nothing.
    """
    order = _locked(order_id)
    if order.status == OrderStatus.REFUNDED:
        return order
    was_paid = order.status == OrderStatus.PAID
    order.status = OrderStatus.REFUNDED
    order.refunded_at = timezone.now()
    order.provider_refund = provider_refund or order.provider_refund
    order.save(update_fields=["status", "refunded_at", "provider_refund"])
    if was_paid and order.course_id is not None:
        enrollment = Enrollment.objects.filter(
            user_id=order.user_id,
            course_id=order.course_id,
            source=EnrollmentSource.PAYMENT,
        ).first()
        if enrollment is not None:
            enrollment_cancel(enrollment=enrollment, actor=actor or order.user)
    audit_log_record(
        action="order.refunded",
        user=actor,
        resource_type="order",
        resource_id=order.pk,
        details={
            **_money(order),
            "provider": order.provider,
            "origin": "admin" if actor else "provider",
        },
    )
    webhook_event_emit(event="order.refunded", data=_order_data(order))
    if was_paid:
        notify(
            user=order.user,
            event="payments.order_refunded",
            payload=_money(order),
            key=f"payments.order_refunded:{order.pk}",
        )
    return order


@transaction.atomic
def order_failed_record(*, order_id: int, reason: str) -> Order:
    """The checkout ended without payment (expired, the payment failed). Only a
    pending order fails; a paid or refunded one stays."""
    order = _locked(order_id)
    if order.status != OrderStatus.PENDING:
        return order
    order.status = OrderStatus.FAILED
    order.failed_at = timezone.now()
    order.note = reason[:2000]
    order.save(update_fields=["status", "failed_at", "note"])
    return order

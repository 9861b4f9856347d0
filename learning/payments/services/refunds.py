"""An admin refunds an order through its provider."""

from __future__ import annotations

from integrations.http import OutsideCallRejected
from integrations.paypal.client import PayPalClient
from integrations.resilience import CircuitOpenError, TransientError
from integrations.stripe.client import StripeGateway
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import Conflict, NotFound, PermissionDenied

from ..models import Order, OrderStatus, Provider
from .checkout import provider_configured
from .errors import PaymentsNotConfigured, ProviderRejected, ProviderUnavailable
from .orders import order_refunded_record


def order_refund(*, actor: User, order_id: int) -> Order:
    """Give a paid order's money back through its provider, then mark it refunded,
    cancel the enrollment and tell the learner (``order_refunded_record``).

    Admins only. The provider's refund carries the order as its idempotency key,
    so two admins refunding at once refund once. Errors: ``NotFound``,
    ``PermissionDenied``, 409 ``ORDER_NOT_REFUNDABLE`` (not paid), 503 when the
    provider is off or not answering (the order stays paid), 502 when it refuses.
    Must not run inside a transaction: the provider is called first.
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None or (not is_admin(actor) and order.user_id != actor.pk):
        raise NotFound("Order not found.")
    if not is_admin(actor):
        raise PermissionDenied("Only administrators may refund orders.")
    if order.status != OrderStatus.PAID:
        raise Conflict(
            f"Only a paid order can be refunded; this one is {order.status}.",
            code="ORDER_NOT_REFUNDABLE",
        )
    if not provider_configured(provider=order.provider):
        raise PaymentsNotConfigured("Payments are not configured.")
    try:
        if order.provider == Provider.STRIPE:
            refund_id = (
                StripeGateway()
                .refund_create(
                    payment_intent=order.provider_payment,
                    reference=str(order.reference),
                )
                .id
            )
        else:
            with PayPalClient() as paypal:
                refund_id = paypal.capture_refund(
                    capture_id=order.provider_payment, reference=str(order.reference)
                ).id
    except (TransientError, CircuitOpenError) as error:
        raise ProviderUnavailable(
            "The payment provider is not answering; the order was not refunded. "
            "Try again in a few minutes."
        ) from error
    except OutsideCallRejected as error:
        raise ProviderRejected(
            f"The payment provider refused the refund: {error}"
        ) from error
    return order_refunded_record(
        order_id=order.pk, actor=actor, provider_refund=refund_id
    )

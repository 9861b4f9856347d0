"""Writes of payments: ``checkout`` starts an order at a provider, ``webhooks``
applies the providers' events once, ``orders`` holds the one place each order
transition happens (paid enrolls, refunded cancels), ``refunds`` is the admin's
refund through the provider."""

from .checkout import order_checkout_start, provider_configured, providers_configured
from .errors import PaymentsNotConfigured, ProviderRejected, ProviderUnavailable
from .orders import order_failed_record, order_paid_record, order_refunded_record
from .paypal import paypal_event_apply, paypal_order_capture
from .refunds import order_refund
from .webhooks import stripe_event_apply

__all__ = [
    "PaymentsNotConfigured",
    "ProviderRejected",
    "ProviderUnavailable",
    "order_checkout_start",
    "order_failed_record",
    "order_paid_record",
    "order_refund",
    "order_refunded_record",
    "paypal_event_apply",
    "paypal_order_capture",
    "provider_configured",
    "providers_configured",
    "stripe_event_apply",
]

"""Stripe through the official ``stripe`` library, under the shared outside-call
policy (``integrations.resilience``): the library's own retries are off, so one
policy decides (timeouts, backoff, the breaker); every POST carries an idempotency
key, so a retried call is applied once by Stripe.

Reads ``settings.STRIPE``; callers check ``stripe_configured()`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import stripe
from django.conf import settings

from ..http import OutsideCallRejected
from ..resilience import OutsideCallTimeout, TransientError, call_with_policy
from .types import CheckoutSession, Refund

VENDOR = "stripe"
R = TypeVar("R")


def stripe_configured() -> bool:
    return settings.STRIPE is not None


class StripeGateway:
    """The Stripe calls the portal makes, each returning a ``types.py`` value.

    Raises ``TransientError`` / ``OutsideCallTimeout`` once retries are spent,
    ``CircuitOpenError`` when Stripe's circuit is open, and ``OutsideCallRejected``
    when Stripe refuses the request (4xx other than 429).
    """

    def __init__(self) -> None:
        config = settings.STRIPE
        if config is None:
            raise RuntimeError("Stripe is not configured (STRIPE_SECRET_KEY).")
        self._client = stripe.StripeClient(
            config["SECRET_KEY"],
            base_addresses={"api": config["API_BASE"]},
            max_network_retries=0,
            http_client=stripe.HTTPXClient(
                timeout=settings.INTEGRATIONS_TIMEOUT_SECONDS, allow_sync_methods=True
            ),
        )

    def checkout_session_create(
        self,
        *,
        reference: str,
        title: str,
        amount_cents: int,
        currency: str,
        customer_email: str,
        success_url: str,
        cancel_url: str,
        expires_at: int,
    ) -> CheckoutSession:
        """A Checkout Session for one item at the server's price. ``reference`` (our
        order's reference) is the idempotency key and is written into the
        session's and the PaymentIntent's metadata, so events find the order."""
        metadata = {"order_reference": reference}
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": reference,
            "customer_email": customer_email,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": amount_cents,
                        "product_data": {"name": title[:250]},
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        session = self._call(
            lambda: self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"checkout-{reference}"},
            )
        )
        return CheckoutSession.from_stripe(session)

    def refund_create(self, *, payment_intent: str, reference: str) -> Refund:
        """Refund a whole payment. Idempotent per order: a second call with the
        same ``reference`` returns the first refund."""
        refund = self._call(
            lambda: self._client.v1.refunds.create(
                params={
                    "payment_intent": payment_intent,
                    "metadata": {"order_reference": reference},
                },
                options={"idempotency_key": f"refund-{reference}"},
            )
        )
        return Refund.from_stripe(refund)

    def _call(self, call: Callable[[], R]) -> R:
        return call_with_policy(vendor=VENDOR, call=lambda: _translated(call))


def _translated(call: Callable[[], R]) -> R:
    """The library's errors sorted into the policy's: unreachable, slow, 429 and
    5xx are transient; any other refusal is ours and is not retried."""
    try:
        return call()
    except stripe.APIConnectionError as exc:
        if isinstance(exc.__cause__, httpx.TimeoutException):
            raise OutsideCallTimeout(str(exc), vendor=VENDOR) from exc
        raise TransientError(str(exc), vendor=VENDOR) from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        if status == 429 or status >= 500 or isinstance(exc, stripe.RateLimitError):
            retry_after = None
            if exc.headers and exc.headers.get("Retry-After", "").isdigit():
                retry_after = float(exc.headers["Retry-After"])
            raise TransientError(
                str(exc), vendor=VENDOR, status=status, retry_after=retry_after
            ) from exc
        raise OutsideCallRejected(
            exc.user_message or str(exc),
            vendor=VENDOR,
            status=status,
            body=str(exc.json_body)[:2000],
        ) from exc

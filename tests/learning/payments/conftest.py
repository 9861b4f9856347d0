"""Payments against a fake Stripe: a local HTTP server (pytest-httpserver) that the
official ``stripe`` library talks to over real HTTP, and webhook events signed the
way Stripe signs them, with a test secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import pytest
from werkzeug import Request, Response

from integrations.resilience import vendor_breaker
from learning.payments.models import Order

WEBHOOK_SECRET = "whsec_test_portal_secret"
WEBHOOK = "/api/v1/webhooks/stripe"


@pytest.fixture(autouse=True)
def fast_policy(settings):
    """Tests wait milliseconds, not the production backoff."""
    settings.INTEGRATIONS_RETRY_ATTEMPTS = 2
    settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 0.01
    settings.INTEGRATIONS_BREAKER_FAIL_MAX = 5
    settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 60
    settings.INTEGRATIONS_TIMEOUT_SECONDS = 1


def _reset_stripe_breaker() -> None:
    vendor_breaker(vendor="stripe").close()


class FakeStripe:
    """Stripe's API for the calls the portal makes: Checkout Sessions and Refunds,
    answering like Stripe does and remembering what it was sent."""

    def __init__(self, httpserver, checkout_page: str = "https://checkout.stripe.test"):
        self.server = httpserver
        # Where Stripe's hosted checkout page is (a browser test serves one).
        self.checkout_page = checkout_page
        self.sessions: dict[str, dict] = {}
        self.requests: list[tuple[str, dict, dict]] = []
        httpserver.expect_request(
            "/v1/checkout/sessions", method="POST"
        ).respond_with_handler(self._session)
        httpserver.expect_request("/v1/refunds", method="POST").respond_with_handler(
            self._refund
        )

    def _record(self, request: Request) -> dict:
        form = request.form.to_dict()
        self.requests.append((request.path, form, dict(request.headers)))
        return form

    def _session(self, request: Request) -> Response:
        form = self._record(request)
        session_id = f"cs_test_{uuid.uuid4().hex[:16]}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.checkout_page}/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form["client_reference_id"],
            "metadata": {"order_reference": form["metadata[order_reference]"]},
            "expires_at": int(form["expires_at"]),
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
        }
        self.sessions[session_id] = session
        return Response(json.dumps(session), content_type="application/json")

    def _refund(self, request: Request) -> Response:
        form = self._record(request)
        refund = {
            "id": f"re_test_{uuid.uuid4().hex[:12]}",
            "object": "refund",
            "status": "succeeded",
            "amount": 9900,
            "payment_intent": form["payment_intent"],
        }
        return Response(json.dumps(refund), content_type="application/json")

    def calls(self, path: str) -> list[tuple[str, dict, dict]]:
        return [call for call in self.requests if call[0] == path]


@pytest.fixture
def stripe_off(settings):
    settings.STRIPE = None


@pytest.fixture
def fake_stripe(httpserver, settings):
    settings.STRIPE = {
        "SECRET_KEY": "sk_test_portal",
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "API_BASE": httpserver.url_for("").rstrip("/"),
    }
    _reset_stripe_breaker()
    yield FakeStripe(httpserver)
    _reset_stripe_breaker()


@pytest.fixture
def paid_course(make_course):
    return make_course(title="Incident Response", price="99")


def stripe_signature(body: bytes, *, secret: str = WEBHOOK_SECRET, at=None) -> str:
    """``Stripe-Signature`` as Stripe computes it: HMAC-SHA256 of
    ``<timestamp>.<body>`` with the endpoint's secret."""
    timestamp = int(at if at is not None else time.time())
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def session_completed(
    order: Order,
    *,
    event_id=None,
    amount=None,
    paid=True,
    kind="checkout.session.completed",
) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": order.provider_session,
                "object": "checkout.session",
                "status": "complete",
                "payment_status": "paid" if paid else "unpaid",
                "payment_intent": f"pi_test_{order.pk}",
                "amount_total": order.amount_cents if amount is None else amount,
                "currency": order.currency,
                "client_reference_id": str(order.reference),
                "metadata": {"order_reference": str(order.reference)},
            }
        },
    }


def charge_refunded(order: Order, *, event_id=None, full=True) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": "charge.refunded",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": f"ch_test_{order.pk}",
                "object": "charge",
                "payment_intent": f"pi_test_{order.pk}",
                "amount": order.amount_cents,
                "amount_refunded": order.amount_cents if full else 100,
                "refunded": full,
                "metadata": {"order_reference": str(order.reference)},
            }
        },
    }


def deliver(client, event: dict, *, signature=None, body: bytes | None = None):
    """POST an event to the Stripe webhook as Stripe would (signed raw JSON)."""
    raw = body if body is not None else json.dumps(event).encode()
    headers = {}
    signature = stripe_signature(raw) if signature is None else signature
    if signature:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.generic(
        "POST", WEBHOOK, raw, content_type="application/json", **headers
    )

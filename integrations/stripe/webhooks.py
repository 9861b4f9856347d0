"""Verifying Stripe's webhooks with the library's own check: ``Stripe-Signature``
(HMAC-SHA256 over ``<timestamp>.<body>`` with the endpoint's signing secret) and a
five-minute tolerance against replays. No database, no app imports."""

from __future__ import annotations

import json

import stripe

from ..signing import WebhookSignatureError
from .types import Event

# Seconds an event's signature timestamp may be away from now (Stripe's default).
TOLERANCE_SECONDS = 300


def event_verify(*, body: bytes, signature: str | None, secret: str) -> Event:
    """The verified event in ``body``; ``WebhookSignatureError`` when the header is
    missing, the signature does not match, the timestamp is outside the tolerance,
    or the signed body is not a Stripe event."""
    if not signature:
        raise WebhookSignatureError("Stripe-Signature header missing")
    try:
        text = body.decode("utf-8")
        # What ``stripe.Webhook.construct_event`` checks, without its next step,
        # which fails with AttributeError on a signed body that is not an object.
        stripe.WebhookSignature.verify_header(
            text, signature, secret, TOLERANCE_SECONDS
        )
        data = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise WebhookSignatureError(str(exc)) from exc
    except ValueError as exc:  # signed, but not JSON
        raise WebhookSignatureError(f"body is not JSON: {exc}") from exc
    inner = data.get("data") if isinstance(data, dict) else None
    event_object = inner.get("object") if isinstance(inner, dict) else None
    if not isinstance(event_object, dict) or not data.get("id") or not data.get("type"):
        raise WebhookSignatureError("signed body is not a Stripe event")
    return Event(
        id=str(data["id"]),
        type=str(data["type"]),
        created=data["created"] if isinstance(data.get("created"), int) else 0,
        livemode=bool(data.get("livemode")),
        object=event_object,
    )

"""Verifying signed webhooks that follow Standard Webhooks
(https://www.standardwebhooks.com):
HMAC-SHA256 over ``<webhook-id>.<webhook-timestamp>.<body>``, a five-minute timestamp
tolerance against replays, and a constant-time compare.

The maintained ``standardwebhooks`` library does the cryptography; this module only
gives vendors one call and one error type, so an inbound endpoint (which lives in the
app that acts on the event) answers every bad signature the same way. A vendor with
its own scheme and an official SDK verifies with that SDK in its ``webhooks.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class WebhookSignatureError(Exception):
    """The webhook's signature, timestamp or headers do not check out: answer 400
    and do not act on it."""


def webhook_verify(
    *, secret: str, body: bytes, headers: Mapping[str, str]
) -> dict[str, Any]:
    """Check a webhook's signature and timestamp and return its JSON body.

    ``secret`` is the vendor's signing secret (``whsec_…`` base64, as vendors hand it
    out); ``body`` the raw request body exactly as received (``request.body``), and
    ``headers`` the request headers (``request.headers``). Raises
    ``WebhookSignatureError`` when a header is missing, the signature does not
    match, or the timestamp is more than five minutes from now; a verified body
    that is not JSON raises ``ValueError`` (the vendor's bug, not a forgery).
    """
    try:
        return Webhook(secret).verify(body, dict(headers))
    except WebhookVerificationError as exc:
        raise WebhookSignatureError(str(exc)) from exc

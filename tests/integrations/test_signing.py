"""Webhook signatures (Standard Webhooks): genuine, tampered, replayed."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from integrations.signing import WebhookSignatureError, webhook_verify

SECRET = "whsec_" + base64.b64encode(b"a-shared-secret-of-32-bytes-long").decode()
BODY = json.dumps({"type": "invoice.paid", "id": 7}).encode()


def signed_headers(body: bytes, *, at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    signature = Webhook(SECRET).sign(msg_id="msg_1", timestamp=at, data=body)
    return {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(int(at.timestamp())),
        "Webhook-Signature": signature,
    }


def test_a_genuine_webhook_returns_its_body():
    assert webhook_verify(secret=SECRET, body=BODY, headers=signed_headers(BODY)) == {
        "type": "invoice.paid",
        "id": 7,
    }


def test_a_tampered_body_is_refused():
    headers = signed_headers(BODY)
    with pytest.raises(WebhookSignatureError, match="signature"):
        webhook_verify(secret=SECRET, body=BODY.replace(b"7", b"8"), headers=headers)


def test_another_secret_is_refused():
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(WebhookSignatureError):
        webhook_verify(secret=other, body=BODY, headers=signed_headers(BODY))


def test_an_old_timestamp_is_refused_as_a_replay():
    headers = signed_headers(BODY, at=datetime.now(UTC) - timedelta(minutes=6))
    with pytest.raises(WebhookSignatureError, match="too old"):
        webhook_verify(secret=SECRET, body=BODY, headers=headers)


def test_missing_headers_are_refused():
    with pytest.raises(WebhookSignatureError, match="headers"):
        webhook_verify(secret=SECRET, body=BODY, headers={})

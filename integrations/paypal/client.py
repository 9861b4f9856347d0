"""PayPal's REST API (Orders v2, captures, refunds) over ``httpx`` under the shared
outside-call policy. Every POST carries ``PayPal-Request-Id`` (PayPal's idempotency
key), so a retried call is applied once."""

from __future__ import annotations

import threading
import time

from django.conf import settings

from ..http import VendorClient
from .types import PayPalOrder, Refund

VENDOR = "paypal"
_token_lock = threading.Lock()
_token: dict[str, tuple[str, float]] = {}


def paypal_configured() -> bool:
    return settings.PAYPAL is not None


class PayPalClient(VendorClient):
    def __init__(self) -> None:
        config = settings.PAYPAL
        if config is None:
            raise RuntimeError("PayPal is not configured (PAYPAL_CLIENT_ID).")
        self.config = config
        super().__init__(vendor=VENDOR, base_url=config["API_BASE"])

    def _access_token(self) -> str:
        key = f"{self.config['API_BASE']}|{self.config['CLIENT_ID']}"
        with _token_lock:
            cached = _token.get(key)
            if cached and cached[1] > time.monotonic() + 60:
                return cached[0]
        response = self.request(
            "POST",
            "/v1/oauth2/token",
            # Asking for a token twice is harmless: retry it like an idempotent call.
            idempotency_key="token",
            auth=(self.config["CLIENT_ID"], self.config["CLIENT_SECRET"]),
            data={"grant_type": "client_credentials"},
        )
        data = response.json()
        with _token_lock:
            _token[key] = (
                data["access_token"],
                time.monotonic() + float(data.get("expires_in", 300)),
            )
        return data["access_token"]

    def _post(self, path: str, *, request_id: str, json: dict) -> dict:
        response = self.request(
            "POST",
            path,
            idempotency_key=request_id,
            headers={
                "Authorization": f"Bearer {self._access_token()}",
                "PayPal-Request-Id": request_id,
                "Prefer": "return=representation",
            },
            json=json,
        )
        return response.json()

    def order_create(
        self,
        *,
        reference: str,
        title: str,
        amount: str,
        currency: str,
        return_url: str,
        cancel_url: str,
    ) -> PayPalOrder:
        """An order to capture on approval, at the server's price; ``reference`` is
        the idempotency key and the unit's ``custom_id``."""
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": reference,
                    "custom_id": reference,
                    "description": title[:127],
                    "amount": {"currency_code": currency.upper(), "value": amount},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": return_url,
                        "cancel_url": cancel_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        return PayPalOrder.from_json(
            self._post(
                "/v2/checkout/orders", request_id=f"order-{reference}", json=body
            )
        )

    def order_capture(self, *, order_id: str, reference: str) -> PayPalOrder:
        return PayPalOrder.from_json(
            self._post(
                f"/v2/checkout/orders/{order_id}/capture",
                request_id=f"capture-{reference}",
                json={},
            )
        )

    def capture_refund(self, *, capture_id: str, reference: str) -> Refund:
        data = self._post(
            f"/v2/payments/captures/{capture_id}/refund",
            request_id=f"refund-{reference}",
            json={"custom_id": reference},
        )
        return Refund(
            id=str(data.get("id") or ""), status=str(data.get("status") or "")
        )

"""What PayPal sends and returns, as values the apps read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PayPalOrder:
    """A PayPal order: where the buyer approves it (``approve_url``) and, once
    captured, the capture a refund goes through."""

    id: str
    status: str  # CREATED | APPROVED | COMPLETED | …
    approve_url: str
    capture_id: str
    capture_status: str
    amount: str
    currency: str
    custom_id: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayPalOrder:
        approve = next(
            (
                link.get("href", "")
                for link in data.get("links") or []
                if link.get("rel") in ("payer-action", "approve")
            ),
            "",
        )
        unit = (data.get("purchase_units") or [{}])[0]
        captures = ((unit.get("payments") or {}).get("captures")) or [{}]
        capture = captures[0]
        amount = capture.get("amount") or unit.get("amount") or {}
        return cls(
            id=str(data.get("id") or ""),
            status=str(data.get("status") or ""),
            approve_url=str(approve),
            capture_id=str(capture.get("id") or ""),
            capture_status=str(capture.get("status") or ""),
            amount=str(amount.get("value") or ""),
            currency=str(amount.get("currency_code") or ""),
            custom_id=str(unit.get("custom_id") or capture.get("custom_id") or ""),
        )


@dataclass(frozen=True)
class Refund:
    id: str
    status: str


@dataclass(frozen=True)
class Event:
    """A verified PayPal webhook event; ``resource`` is its JSON resource."""

    id: str
    event_type: str
    resource_type: str
    resource: dict[str, Any]

"""What Stripe sends and returns, as values the apps read (never raw JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CheckoutSession:
    """A Stripe Checkout Session: where to send the buyer (``url``) and, once paid,
    the PaymentIntent a refund goes through."""

    id: str
    url: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    payment_intent: str
    amount_total: int | None
    currency: str
    client_reference_id: str
    metadata: dict[str, str] = field(default_factory=dict)
    expires_at: int | None = None

    @classmethod
    def from_stripe(cls, data: Any) -> CheckoutSession:
        payment_intent = data.get("payment_intent") or ""
        if isinstance(payment_intent, dict):  # expanded
            payment_intent = payment_intent.get("id", "")
        return cls(
            id=str(data.get("id") or ""),
            url=str(data.get("url") or ""),
            status=str(data.get("status") or ""),
            payment_status=str(data.get("payment_status") or ""),
            payment_intent=str(payment_intent),
            amount_total=data.get("amount_total"),
            currency=str(data.get("currency") or ""),
            client_reference_id=str(data.get("client_reference_id") or ""),
            metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
            expires_at=data.get("expires_at"),
        )


@dataclass(frozen=True)
class Refund:
    id: str
    status: str  # pending | succeeded | failed | canceled | requires_action
    amount: int
    payment_intent: str

    @classmethod
    def from_stripe(cls, data: Any) -> Refund:
        return cls(
            id=str(data.get("id") or ""),
            status=str(data.get("status") or ""),
            amount=int(data.get("amount") or 0),
            payment_intent=str(data.get("payment_intent") or ""),
        )


@dataclass(frozen=True)
class Charge:
    """The part of a Charge that ``charge.refunded`` needs: whether all of it was
    refunded, and the PaymentIntent (and our order reference) it belongs to."""

    id: str
    payment_intent: str
    amount: int
    amount_refunded: int
    refunded: bool
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_stripe(cls, data: Any) -> Charge:
        return cls(
            id=str(data.get("id") or ""),
            payment_intent=str(data.get("payment_intent") or ""),
            amount=int(data.get("amount") or 0),
            amount_refunded=int(data.get("amount_refunded") or 0),
            refunded=bool(data.get("refunded")),
            metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        )


@dataclass(frozen=True)
class Event:
    """A verified Stripe event. ``object`` is the event's ``data.object`` as plain
    JSON; ``checkout_session`` / ``charge`` read it as the type the event names."""

    id: str
    type: str
    created: int
    livemode: bool
    object: dict[str, Any]

    def checkout_session(self) -> CheckoutSession:
        return CheckoutSession.from_stripe(self.object)

    def charge(self) -> Charge:
        return Charge.from_stripe(self.object)

"""Writes of outgoing webhooks: register an endpoint, emit an event into the outbox
(in the caller's transaction), and attempt a delivery (from a Celery task)."""

from .delivery import webhook_deliveries_due, webhook_delivery_attempt
from .endpoints import webhook_endpoint_create, webhook_endpoint_update
from .outbox import webhook_event_emit

__all__ = [
    "webhook_deliveries_due",
    "webhook_delivery_attempt",
    "webhook_endpoint_create",
    "webhook_endpoint_update",
    "webhook_event_emit",
]

"""Reads of outgoing webhooks: admins only."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import NotFound, PermissionDenied

from .models import WebhookDelivery, WebhookEndpoint


def _require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise PermissionDenied("Only administrators manage webhook endpoints.")


def webhook_endpoint_list(*, actor: User) -> QuerySet[WebhookEndpoint]:
    _require_admin(actor)
    return WebhookEndpoint.objects.order_by("-created_at", "-pk")


def webhook_endpoint_get(*, actor: User, endpoint_id: int) -> WebhookEndpoint:
    _require_admin(actor)
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("Webhook endpoint not found.")
    return endpoint


def webhook_delivery_list(
    *, actor: User, endpoint_id: int, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    endpoint = webhook_endpoint_get(actor=actor, endpoint_id=endpoint_id)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related(
        "event"
    )
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-pk")

from __future__ import annotations

import base64
import secrets

from django.db import transaction

from portal import hooks as portal_hooks
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput, PermissionDenied

from ..events import EVENTS
from ..models import WebhookEndpoint


def _new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _checked(*, url: str | None, events: list[str] | None) -> None:
    if url is not None:
        reason = portal_hooks.webhook_transport().refusal(url=url)
        if reason:
            raise InvalidInput(
                f"This URL cannot receive webhooks: {reason}.", field="url"
            )
    if events is not None:
        unknown = sorted(set(events) - set(EVENTS))
        if unknown or not events:
            raise InvalidInput(
                "Choose one or more of: " + ", ".join(EVENTS) + ".", field="events"
            )


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Register a partner's endpoint (admins). Its signing secret is generated here
    and is on the returned object to show once. Errors: ``PermissionDenied``,
    ``InvalidInput`` for a URL the SSRF guard refuses or an unknown event."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators manage webhook endpoints.")
    _checked(url=url, events=events)
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=_new_secret(),
        created_by=actor,
    )
    audit_log_record(
        action="webhook_endpoint.created",
        user=actor,
        resource_type="webhook_endpoint",
        resource_id=endpoint.pk,
        details={"url": url, "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *, actor: User, endpoint: WebhookEndpoint, data: dict
) -> WebhookEndpoint:
    """Change an endpoint's ``url``, ``events``, ``description`` or ``is_active``
    (fields not in ``data`` stay); the secret never changes here."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators manage webhook endpoints.")
    _checked(url=data.get("url"), events=data.get("events"))
    fields = [f for f in ("url", "events", "description", "is_active") if f in data]
    for field in fields:
        value = data[field]
        setattr(endpoint, field, sorted(set(value)) if field == "events" else value)
    if fields:
        endpoint.save(update_fields=fields)
        audit_log_record(
            action="webhook_endpoint.updated",
            user=actor,
            resource_type="webhook_endpoint",
            resource_id=endpoint.pk,
            details={field: data[field] for field in fields},
        )
    return endpoint

"""Registrations only: the integrations' answers to the portal's extension points."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .webhooks.client import StandardWebhooksTransport

hooks.register(portal_hooks.WEBHOOK_TRANSPORT, StandardWebhooksTransport())

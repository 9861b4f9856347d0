"""Registrations only: the integrations' answers to the portal's extension points."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .webhooks.client import STANDARD_WEBHOOKS

hooks.register(portal_hooks.WEBHOOK_TRANSPORT, STANDARD_WEBHOOKS)

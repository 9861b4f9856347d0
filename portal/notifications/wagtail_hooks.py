"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .email import email_send

email_send.channel = "email"
hooks.register(portal_hooks.NOTIFICATION, email_send)

"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .metrics import backup_metrics_register

hooks.register(portal_hooks.METRICS, backup_metrics_register)

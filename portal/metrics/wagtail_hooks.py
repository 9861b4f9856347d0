"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .collectors import celery_metrics_register, disk_metrics_register

hooks.register(portal_hooks.METRICS, celery_metrics_register)
hooks.register(portal_hooks.METRICS, disk_metrics_register)

"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .demo import seed_organization

hooks.register(portal_hooks.DEMO_SEED, seed_organization, order=30)

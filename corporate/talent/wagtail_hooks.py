"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .demo import seed_talent

# After the demo learner's evidence (assessment skills, 25) and organization (30).
hooks.register(portal_hooks.DEMO_SEED, seed_talent, order=35)

"""Registrations only: this app's answers to the portal's extension points."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .calendar import session_ics_attachment
from .demo import seed_mentorship

hooks.register(portal_hooks.DEMO_SEED, seed_mentorship, order=25)
hooks.register(portal_hooks.NOTIFICATION_ATTACHMENT, session_ics_attachment)

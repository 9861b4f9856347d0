"""Registrations only: this app's answers to the portal's extension points."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .calendar import session_ics_attachment
from .demo import seed_mentorship

hooks.register(portal_hooks.DEMO_SEED, seed_mentorship, order=25)
hooks.register(portal_hooks.NOTIFICATION_ATTACHMENT, session_ics_attachment)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)

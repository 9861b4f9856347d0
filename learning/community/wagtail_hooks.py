"""This app's answers to the portal's extension points (registrations only)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .services import discord_roles_follow_cancellation, discord_roles_follow_event

hooks.register(portal_hooks.DOMAIN_EVENT, discord_roles_follow_event)
hooks.register(portal_hooks.ENROLLMENT_CANCELLED, discord_roles_follow_cancellation)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)

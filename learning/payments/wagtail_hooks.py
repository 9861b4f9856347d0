"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy

hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)

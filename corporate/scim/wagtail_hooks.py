"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .demo import seed_scim

# After the corporate seeder (30), which creates the demo organization.
hooks.register(portal_hooks.DEMO_SEED, seed_scim, order=35)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)

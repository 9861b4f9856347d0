"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .demo import seed_talent

# After the demo learner's evidence (assessment skills, 25) and organization (30).
hooks.register(portal_hooks.DEMO_SEED, seed_talent, order=35)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)
hooks.register(portal_hooks.CONSENT_CHANGED, privacy.hide_profile_without_consent)

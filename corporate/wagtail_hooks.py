"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .demo import seed_organization
from .services import representative_enrollment, seat_release_on_cancel

hooks.register(portal_hooks.DEMO_SEED, seed_organization, order=30)
hooks.register(portal_hooks.ENROLL_ON_BEHALF, representative_enrollment)
hooks.register(portal_hooks.ENROLLMENT_CANCELLED, seat_release_on_cancel)
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)

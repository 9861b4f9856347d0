"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .services import approval_documents_reencrypt

hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)
hooks.register(portal_hooks.ENCRYPTED_DATA_REENCRYPT, approval_documents_reencrypt)

"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .services import approval_documents_reencrypt

hooks.register(portal_hooks.ENCRYPTED_DATA_REENCRYPT, approval_documents_reencrypt)

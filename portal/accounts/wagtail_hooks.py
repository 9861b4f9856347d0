"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from .demo import seed_accounts
from .services.encryption import mfa_secrets_reencrypt
from .web_sessions import session_timeout_admin_html

hooks.register(portal_hooks.DEMO_SEED, seed_accounts, order=0)
hooks.register(portal_hooks.ENCRYPTED_DATA_REENCRYPT, mfa_secrets_reencrypt)
hooks.register("insert_global_admin_js", session_timeout_admin_html)

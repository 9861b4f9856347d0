"""This app's answers to the portal's extension points (``portal.hooks``)."""

from wagtail import hooks

from portal import hooks as portal_hooks

from . import privacy
from .demo import seed_accounts
from .services.encryption import mfa_secrets_reencrypt
from .web_sessions import session_timeout_admin_html

hooks.register(portal_hooks.DEMO_SEED, seed_accounts, order=0)
# Last: every other app's erasure still sees the person's address and names.
hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=100)
hooks.register(portal_hooks.ENCRYPTED_DATA_REENCRYPT, mfa_secrets_reencrypt)
hooks.register("insert_global_admin_js", session_timeout_admin_html)

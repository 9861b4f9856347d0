"""Every write about people and their sign-in: registration, login, tokens, password
reset, MFA enrolment, profile and role changes. Views call these; these never read a
request. ``ip_address``/``user_agent`` are passed in for the audit log.

The services live in the modules of this package; everything public is imported
here, so ``from portal.accounts.services import ...`` is the one way in.
"""

from .base import AuthenticationFailed, Client
from .mfa_enrolment import mfa_totp_confirm, mfa_totp_disable, mfa_totp_setup_start
from .notices import password_changed_notify, sign_in_device_check
from .registration import password_reset_confirm, password_reset_request, user_register
from .roles import user_role_privileges_sync, user_view_grant, user_view_revoke
from .sessions import (
    LoginResult,
    auth_login,
    auth_logout,
    auth_mfa_verify,
    auth_refresh,
    auth_tokens_issue,
    user_login_unlock,
    user_sessions_end,
    user_sessions_revoke,
    user_sign_out_everywhere,
)
from .users import user_update

__all__ = [
    "AuthenticationFailed",
    "Client",
    "LoginResult",
    "auth_login",
    "auth_logout",
    "auth_mfa_verify",
    "auth_refresh",
    "auth_tokens_issue",
    "mfa_totp_confirm",
    "mfa_totp_disable",
    "mfa_totp_setup_start",
    "password_changed_notify",
    "password_reset_confirm",
    "password_reset_request",
    "sign_in_device_check",
    "user_login_unlock",
    "user_register",
    "user_role_privileges_sync",
    "user_sessions_end",
    "user_sessions_revoke",
    "user_sign_out_everywhere",
    "user_update",
    "user_view_grant",
    "user_view_revoke",
]

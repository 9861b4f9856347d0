"""Users, passwords, web sign-in (django-allauth) and MFA."""

import os

from django.core.exceptions import ImproperlyConfigured

from . import env

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "portal.accounts.hashers.Argon2idPasswordHasher",
    # Fallback only, so hashes made elsewhere upgrade on the next login.
    "portal.accounts.hashers.PBKDF2PasswordHasher",
]
# Password hashes running at once on this machine, across processes
# (``portal.accounts.hashers.hash_slot``): by default half the cores this process may
# use, at least one; 0: no limit. A hash waits at most PASSWORD_HASH_WAIT_MS for a
# slot, then its request is answered 503 with Retry-After.
PASSWORD_HASH_SLOTS = env.int(
    "PASSWORD_HASH_SLOTS", default=max(1, len(os.sched_getaffinity(0)) // 2)
)
PASSWORD_HASH_WAIT_MS = env.int("PASSWORD_HASH_WAIT_MS", default=500)
if PASSWORD_HASH_SLOTS < 0 or PASSWORD_HASH_WAIT_MS < 0:
    # At start, not as a 500 at every sign-in.
    raise ImproperlyConfigured(
        "PASSWORD_HASH_SLOTS and PASSWORD_HASH_WAIT_MS must not be negative."
    )
# Where the slots' lock files live (a folder of the machine's, shared by every
# process of the portal); empty: a folder in the system's temporary directory.
PASSWORD_HASH_SLOT_DIR = env.str("PASSWORD_HASH_SLOT_DIR", default="")
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",  # noqa: E501
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
LOGIN_URL = "/accounts/login/"
# Signing in lands on "My learning" (an explicit ?next= still wins) ...
LOGIN_REDIRECT_URL = "/learn/"
# ... except for a role with a home page of its own: a mentor lands on the mentor
# portal, not on "My learning" with no courses.
LOGIN_REDIRECT_BY_ROLE = {"mentor": "/mentor/"}
# The editor signs in through allauth too, so MFA and rate limits apply there.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# Wagtail's own reset would let the editor bypass allauth's reset throttle and flow.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# django-allauth: web sign-in for rendered pages, on the same user model.
ACCOUNT_ADAPTER = "portal.accounts.adapter.PortalAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks the name printed on certificates (``portal.accounts.forms``).
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupNameForm"
# Sign-in asks to accept the sign-in notice when there is one (SIGN_IN_NOTICE).
ACCOUNT_FORMS = {"login": "portal.accounts.login_form.NoticeLoginForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
# Third-party accounts (Discord) are linked from the profile page by a signed-in
# user: allauth's social sign-in and sign-up are refused by the adapter, so every
# sign-in still passes the password and MFA steps. The providers' apps are set by
# their vendor files (``components/vendors/``) when their keys are there.
SOCIALACCOUNT_ADAPTER = "portal.accounts.adapter.PortalSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Linking or unlinking asks for the password (or MFA) again, as allauth's MFA pages do.
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = True
SOCIALACCOUNT_PROVIDERS: dict = {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted at rest (portal.crypto).
MFA_ADAPTER = "portal.accounts.adapter.PortalMFAAdapter"
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Cyber Learning Portal")
# Roles that must enrol in MFA before they may change anything (comma-separated;
# empty turns the requirement off). Production defaults to admin,instructor.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row

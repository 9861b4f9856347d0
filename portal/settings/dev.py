"""The embedded default for ``make run``: DEBUG on, SQLite, local files, eager tasks."""

from .base import *  # noqa: F403
from .base import env, require_secret_key
from .components.crypto import derived_field_key

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "django-insecure-dev-only-key-for-make-run-never-for-production" if DEBUG else ""
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

require_secret_key(SECRET_KEY, DEBUG)
# Sensitive fields need a key; make run's and the tests' is derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derived_field_key(SECRET_KEY)]

# Serve static files straight from the apps while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# A partner's test receiver usually runs on this machine.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool(
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=True
)

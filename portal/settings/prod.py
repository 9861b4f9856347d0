"""Production: DEBUG off, SECRET_KEY required, HTTPS behind Nginx."""

from .base import *  # noqa: F403
from .base import STORAGES, env, require_production_services, require_secret_key
from .components.crypto import require_field_encryption_keys

DEBUG = env.bool("DEBUG", default=False)
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["admin", "instructor"])
require_secret_key(SECRET_KEY, DEBUG)
require_production_services(
    email_backend=EMAIL_BACKEND, site_url=env.str("SITE_URL", default="")
)
require_field_encryption_keys(FIELD_ENCRYPTION_KEYS)

# Nginx terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Monitors reach the web processes directly, over the private network, in HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is near-irreversible (browsers ship the list for months); the operator
# opts in, so Django's reminder that it is off (security.W021) is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

"""Privacy (``portal.privacy``): personal-data exports, erasure and the consent
banner."""

from . import env

# A personal-data export is downloadable once, for this many hours.
PRIVACY_EXPORT_TTL_HOURS = env.int("PRIVACY_EXPORT_TTL_HOURS", default=24)
# The banner remembers an anonymous visitor's choice in this cookie, for this long.
PRIVACY_CONSENT_COOKIE = env.str("PRIVACY_CONSENT_COOKIE", default="portal_consent")
PRIVACY_CONSENT_COOKIE_DAYS = env.int("PRIVACY_CONSENT_COOKIE_DAYS", default=180)
# Non-essential (analytics) scripts: rendered inert (type="text/plain") on every site
# page and started only after the visitor consents to analytics cookies. Same-origin
# URLs, or add the script's origin to CONTENT_SECURITY_POLICY's script-src.
PRIVACY_ANALYTICS_SCRIPTS = env.list("PRIVACY_ANALYTICS_SCRIPTS", default=[])
# An erased account keeps its row with the address erased-<id>@ this domain (a
# reserved name that can never receive mail, RFC 2606).
PRIVACY_ERASED_EMAIL_DOMAIN = env.str(
    "PRIVACY_ERASED_EMAIL_DOMAIN", default="erased.invalid"
)

"""Security headers and cookies shared by every environment (``prod.py`` hardens them
further for HTTPS), the audit log's chains, and the check that a real SECRET_KEY is
set."""

from django.core.exceptions import ImproperlyConfigured

from . import env

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Proxies (addresses or networks) whose X-Forwarded-For is believed: throttles, the
# audit log and proctoring see the client address they append (portal/proxies.py).
# Empty trusts nobody; docker/compose.yaml sets Nginx's network.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The audit log is this many independent hash chains, so that unrelated writers do not
# wait for each other (see ``portal.audit.services``). Changing it later is safe: each
# entry keeps its chain id and verification walks every chain present.
AUDIT_CHAINS = env.int("AUDIT_CHAINS", default=16)
# A chain id is a PositiveSmallIntegerField and the second key of an advisory lock.
if not 1 <= AUDIT_CHAINS <= 32767:
    raise ImproperlyConfigured("AUDIT_CHAINS must be between 1 and 32767.")


def require_secret_key(secret_key: str, debug: bool) -> None:
    """Refuse to start without a real SECRET_KEY unless in DEBUG."""
    if not secret_key and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false (see .env.example)."
        )


# Backends that deliver nothing: fine on a laptop or in tests, lost mail in production.
_MAIL_DROPPING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


def require_production_services(*, email_backend: str, site_url: str) -> None:
    """Refuse to start production with settings that only make sense on a laptop: a
    console (or dummy) email backend drops every reset link and notice, and without
    SITE_URL certificate links and QR codes point at 127.0.0.1:8000."""
    if email_backend in _MAIL_DROPPING_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND must deliver mail in production, not {email_backend} "
            "(see .env.example)."
        )
    if not site_url:
        raise ImproperlyConfigured(
            "SITE_URL must be set in production (certificate links, emails; see "
            ".env.example)."
        )

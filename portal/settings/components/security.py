"""Security headers and cookies shared by every environment (``prod.py`` hardens them
further for HTTPS), and the check that a real SECRET_KEY is set."""

from django.core.exceptions import ImproperlyConfigured

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True


def require_secret_key(secret_key: str, debug: bool) -> None:
    """Refuse to start without a real SECRET_KEY unless in DEBUG."""
    if not secret_key and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false (see .env.example)."
        )

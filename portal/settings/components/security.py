"""Security headers and cookies shared by every environment (``prod.py`` hardens them
further for HTTPS), the audit log's chains, and the check that a real SECRET_KEY is
set."""

from django.core.exceptions import ImproperlyConfigured

from . import BASE_DIR, env

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy of HTML pages (portal/csp.py). Every script is a static file
# from this origin (hls.js, player.js, quiz.js): no inline script, no eval.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # Inline styles: progress bars' widths, the API docs page. CSS cannot run script.
    "style-src": ["'self'", "'unsafe-inline'"],
    # data: for small inline icons (the API docs page, Wagtail's image previews).
    "img-src": ["'self'", "data:"],
    # hls.js plays through a MediaSource (a blob: URL) and transmuxes in a blob: worker.
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    # Playlists and segments, progress posts, quiz answers: this origin only.
    "connect-src": ["'self'"],
    # Embed blocks are oEmbed iframes (YouTube, Vimeo...) over HTTPS; their scripts
    # run in their own frame, never in ours.
    "frame-src": ["'self'", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    # Replaced by 'self' where a view allows same-origin framing (portal/csp.py).
    "frame-ancestors": ["'none'"],
}
# The Wagtail and Django admins (/cms/, /django-admin/) replace these directives:
# Wagtail's panels and date widgets render inline <script>s and its modal choosers and
# accessibility checker compile code at run time (wagtail/wagtail#1288), and image
# upload previews are blob: URLs. Admin users are staff signed in with MFA.
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "img-src": ["'self'", "data:", "blob:"],
}
# Proxies (addresses or networks) whose X-Forwarded-For is believed: throttles, the
# audit log and proctoring see the client address they append (portal/proxies.py).
# Empty trusts nobody; docker/compose.yaml sets Nginx's network. ``unix`` trusts
# the peer of a Unix socket (gunicorn bound to one behind Nginx).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The audit log is this many independent hash chains, so that unrelated writers do not
# wait for each other (see ``portal.audit.services``). Changing it later is safe: each
# entry keeps its chain id and verification walks every chain present.
AUDIT_CHAINS = env.int("AUDIT_CHAINS", default=16)
# A chain id is a PositiveSmallIntegerField and the second key of an advisory lock.
if not 1 <= AUDIT_CHAINS <= 32767:
    raise ImproperlyConfigured("AUDIT_CHAINS must be between 1 and 32767.")
# Signed anchors of every chain's head, so that entries cut from a chain's end are
# detected (``portal.audit.services.anchors``). The key should not be SECRET_KEY: set
# it only where anchors are written and checked (beat, the verifier); empty derives it
# from SECRET_KEY. The file is appended to; keep it (and the log stream, which gets
# every anchor too) out of reach of whoever can write the database.
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY", default="")
AUDIT_ANCHOR_FILE = env.str(
    "AUDIT_ANCHOR_FILE", default=str(BASE_DIR / "var" / "audit-anchors.jsonl")
)
AUDIT_ANCHOR_INTERVAL_MINUTES = env.int("AUDIT_ANCHOR_INTERVAL_MINUTES", default=5)


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

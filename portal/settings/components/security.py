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

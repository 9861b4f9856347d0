"""Outgoing webhooks (``portal.webhooks``): retries and the SSRF guard."""

from . import env

# A failed delivery is retried with exponential backoff (first wait
# WEBHOOKS_RETRY_BASE_SECONDS, doubling, at most WEBHOOKS_RETRY_MAX_WAIT_SECONDS)
# until WEBHOOKS_RETRY_WINDOW_SECONDS after the event; then it is marked failed.
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_WAIT_SECONDS = env.int(
    "WEBHOOKS_RETRY_MAX_WAIT_SECONDS", default=4 * 3600
)
WEBHOOKS_RETRY_WINDOW_SECONDS = env.int(
    "WEBHOOKS_RETRY_WINDOW_SECONDS", default=24 * 3600
)
# Seconds a partner has to answer one delivery.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
# Private, loopback, link-local and other non-public target addresses are refused
# (SSRF): an admin could otherwise make the server call its own network. Tests and
# local development allow them.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool(
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False
)

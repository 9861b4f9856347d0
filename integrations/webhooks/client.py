"""Sending one outgoing webhook to a partner's URL: signed the Standard Webhooks way
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256
of id.timestamp.body>``, via the ``standardwebhooks`` library), never to a private or
loopback address in production (SSRF), never following redirects.

Partners are many independent outside systems, so there is no shared breaker here:
one partner's outage must not stop the others. The caller (``portal.webhooks``)
owns the retry schedule, which spans a day.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from ..http import USER_AGENT


class TargetRefused(Exception):
    """The URL points at an address the portal must not call (SSRF guard)."""


@dataclass(frozen=True)
class SendResult:
    """``status`` is the partner's HTTP status (``None`` when it never answered);
    ``error`` says what went wrong, empty on a 2xx."""

    status: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def target_check(*, url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to any non-public
    address (private, loopback, link-local, reserved …), unless
    ``WEBHOOKS_ALLOW_PRIVATE_TARGETS``. Raises ``TargetRefused``.

    The check resolves the name just before each send; a name that changes its
    answer between this check and the connection (DNS rebinding) is not caught."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("only http and https URLs with a host can receive webhooks")
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=6)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"the host does not resolve: {exc}") from exc
    for info in infos:
        if _refused_address(info[4][0]):
            raise TargetRefused("the host resolves to a private or reserved address")


def webhook_sign(
    *, secret: str, message_id: str, timestamp: datetime, body: str
) -> dict[str, str]:
    """The Standard Webhooks headers of one message."""
    signature = Webhook(secret).sign(message_id, timestamp, body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }


def webhook_send(
    *, url: str, secret: str, message_id: str, timestamp: datetime, body: str
) -> SendResult:
    """POST one signed message to ``url`` and report how the partner answered.
    Never raises for the partner's failures (timeouts, refusals, 4xx/5xx): they are
    the result. ``TargetRefused`` becomes an error result too."""
    try:
        target_check(url=url)
    except TargetRefused as exc:
        return SendResult(status=None, error=f"refused: {exc}")
    headers = {
        **webhook_sign(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT.format(site_url=settings.WAGTAILADMIN_BASE_URL),
    }
    try:
        response = httpx.post(
            url,
            content=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.TimeoutException:
        return SendResult(status=None, error="timed out")
    except httpx.HTTPError as exc:
        return SendResult(status=None, error=f"could not connect: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return SendResult(status=response.status_code, error="")
    return SendResult(
        status=response.status_code, error=f"answered {response.status_code}"
    )


class StandardWebhooksTransport:
    """The ``portal.hooks.WEBHOOK_TRANSPORT`` answer: this module's guard and send."""

    def refusal(self, *, url: str) -> str | None:
        try:
            target_check(url=url)
        except TargetRefused as exc:
            return str(exc)
        return None

    def send(
        self,
        *,
        url: str,
        secret: str,
        message_id: str,
        timestamp: datetime,
        body: str,
    ) -> tuple[int | None, str]:
        result = webhook_send(
            url=url,
            secret=secret,
            message_id=message_id,
            timestamp=timestamp,
            body=body,
        )
        return result.status, result.error


STANDARD_WEBHOOKS = StandardWebhooksTransport()

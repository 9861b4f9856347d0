"""The base HTTP client every vendor's ``client.py`` builds on: ``httpx`` under the
shared policy of ``integrations.resilience`` (timeouts, retries, breaker), with one
User-Agent, so no vendor hand-rolls its own error handling.

Responses are sorted into what the policy needs to know: transient failures
(connection errors, timeouts, 429, 5xx) are ``TransientError`` and retried when the
request is idempotent; any other 4xx is ``OutsideCallRejected`` (our request was
wrong; retrying cannot help and the vendor is not at fault, so the breaker ignores
it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

from .resilience import (
    OutsideCallError,
    OutsideCallTimeout,
    TransientError,
    call_with_policy,
)

USER_AGENT = "cyber-learning-portal/1 (+{site_url})"
# Methods that change nothing or land on the same state when repeated (RFC 9110).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class OutsideCallRejected(OutsideCallError):
    """The vendor refused the request (a 4xx other than 429); ``status`` and
    ``body`` say why. Not retried, and not counted against the vendor."""

    def __init__(self, message: str, *, vendor: str, status: int, body: str):
        super().__init__(message, vendor=vendor)
        self.status = status
        self.body = body


class VendorClient:
    """Calls one vendor's HTTP API. A vendor's ``client.py`` subclasses it (or holds
    one) and adds typed methods that return its ``types.py`` values.

    ``request`` retries idempotent methods; a POST is retried only with an
    ``idempotency_key``, sent as the ``Idempotency-Key`` header, which vendors that
    support it use to apply the request once.
    """

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.vendor = vendor
        self._client = httpx.Client(
            base_url=base_url,
            timeout=settings.INTEGRATIONS_TIMEOUT_SECONDS,
            headers={
                "User-Agent": USER_AGENT.format(
                    site_url=settings.WAGTAILADMIN_BASE_URL
                ),
                **(headers or {}),
            },
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> VendorClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        idempotency_key: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request under the policy and return a 2xx/3xx response.

        Raises ``OutsideCallRejected`` (4xx), ``TransientError`` or its subclass
        ``OutsideCallTimeout`` once retries are spent, and ``CircuitOpenError`` when
        the vendor's circuit is open. ``kwargs`` go to ``httpx.Client.request``.
        """
        method = method.upper()
        if idempotency_key is not None:
            kwargs["headers"] = {
                **kwargs.get("headers", {}),
                "Idempotency-Key": idempotency_key,
            }
        retry = method in IDEMPOTENT_METHODS or idempotency_key is not None
        return call_with_policy(
            vendor=self.vendor,
            call=lambda: self._send(method, path, **kwargs),
            retry=retry,
        )

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._checked(method, path, self._exchange(method, path, **kwargs))

    def _exchange(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request and its response, whatever the status; a timeout or an
        unreachable vendor as ``TransientError``."""
        try:
            return self._client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise OutsideCallTimeout(
                f"{method} {path} timed out ({exc.__class__.__name__})",
                vendor=self.vendor,
            ) from exc
        except httpx.TransportError as exc:
            raise TransientError(
                f"{method} {path} could not reach the vendor: {exc}",
                vendor=self.vendor,
            ) from exc

    def _checked(
        self, method: str, path: str, response: httpx.Response
    ) -> httpx.Response:
        """``response`` if it succeeded; else the error the policy sorts it into."""
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientError(
                f"{method} {path} answered {status}",
                vendor=self.vendor,
                status=status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 400:
            raise OutsideCallRejected(
                f"{method} {path} answered {status}",
                vendor=self.vendor,
                status=status,
                body=response.text[:2000],
            )
        return response


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header as seconds from now: either delay-seconds or an
    HTTP date (RFC 9110 §10.2.3); ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

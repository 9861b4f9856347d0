"""Verifying PayPal's webhooks the way PayPal documents it (self-verification):

1. the event names a certificate (``PAYPAL-CERT-URL``); it is fetched only from
   PayPal's hosts, must chain to a trusted root and be issued to
   ``messageverificationcerts.paypal.com``;
2. the signed message is ``<transmission id>|<transmission time>|<our webhook
   id>|<CRC32 of the raw body, unsigned decimal>``;
3. ``PAYPAL-TRANSMISSION-SIG`` is its SHA256withRSA signature (base64) by that
   certificate's key; a transmission time more than five minutes away is refused
   (replays).

No database, no app imports: bytes and headers in, an ``Event`` out, or
``WebhookSignatureError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache

import certifi
import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import (
    DNSName,
    PolicyBuilder,
    Store,
    VerificationError,
)
from django.conf import settings

from ..resilience import OutsideCallError, TransientError, call_with_policy
from ..signing import WebhookSignatureError
from .types import Event

TOLERANCE = timedelta(minutes=5)
VENDOR = "paypal"

_certificates: dict[str, list[x509.Certificate]] = {}
_certificates_lock = threading.Lock()


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower()) or ""
    if not value:
        raise WebhookSignatureError(f"{name} header missing")
    return value


@cache
def _roots(path: str) -> Store:
    with open(path, "rb") as bundle:
        return Store(x509.load_pem_x509_certificates(bundle.read()))


def _fetch(url: str) -> list[x509.Certificate]:
    with _certificates_lock:
        if url in _certificates:
            return _certificates[url]

    def get() -> bytes:
        try:
            response = httpx.get(url, timeout=settings.INTEGRATIONS_TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            raise TransientError(
                f"certificate fetch failed: {exc}", vendor=VENDOR
            ) from exc
        if response.status_code != 200:
            raise TransientError(
                f"certificate fetch answered {response.status_code}",
                vendor=VENDOR,
                status=response.status_code,
            )
        return response.content

    try:
        pem = call_with_policy(vendor=VENDOR, call=get)
        chain = x509.load_pem_x509_certificates(pem)
    except (OutsideCallError, ValueError) as exc:
        raise WebhookSignatureError(f"certificate unavailable: {exc}") from exc
    with _certificates_lock:
        _certificates[url] = chain
    return chain


def _verified_key(config: Mapping[str, str], url: str) -> rsa.RSAPublicKey:
    prefixes = [p.strip() for p in config["CERT_URL_PREFIXES"].split(",") if p.strip()]
    if not any(url.startswith(prefix) for prefix in prefixes):
        raise WebhookSignatureError("certificate URL is not PayPal's")
    leaf, *intermediates = _fetch(url)
    verifier = (
        PolicyBuilder()
        .store(_roots(config["CERT_ROOTS"] or certifi.where()))
        .time(datetime.now(UTC))
        .build_server_verifier(DNSName(config["CERT_HOST"]))
    )
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as exc:
        raise WebhookSignatureError(f"certificate not trusted: {exc}") from exc
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise WebhookSignatureError("certificate key is not RSA")
    return key


def event_verify(
    *, body: bytes, headers: Mapping[str, str], config: Mapping[str, str]
) -> Event:
    """The verified event in ``body``; ``config`` is ``settings.PAYPAL``. Raises
    ``WebhookSignatureError`` for anything that does not check out."""
    transmission_id = _header(headers, "PAYPAL-TRANSMISSION-ID")
    transmission_time = _header(headers, "PAYPAL-TRANSMISSION-TIME")
    signature = _header(headers, "PAYPAL-TRANSMISSION-SIG")
    cert_url = _header(headers, "PAYPAL-CERT-URL")
    if _header(headers, "PAYPAL-AUTH-ALGO") != "SHA256withRSA":
        raise WebhookSignatureError("unsupported PAYPAL-AUTH-ALGO")
    try:
        sent = datetime.fromisoformat(transmission_time.replace("Z", "+00:00"))
    except ValueError as exc:
        raise WebhookSignatureError("bad PAYPAL-TRANSMISSION-TIME") from exc
    if sent.tzinfo is None or abs(datetime.now(UTC) - sent) > TOLERANCE:
        raise WebhookSignatureError("transmission time outside the tolerance")
    key = _verified_key(config, cert_url)
    crc = zlib.crc32(body) & 0xFFFFFFFF
    message = f"{transmission_id}|{transmission_time}|{config['WEBHOOK_ID']}|{crc}"
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            message.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise WebhookSignatureError("signature does not match") from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise WebhookSignatureError("signed body is not JSON") from exc
    resource = data.get("resource") if isinstance(data, dict) else None
    if (
        not isinstance(resource, dict)
        or not data.get("id")
        or not data.get("event_type")
    ):
        raise WebhookSignatureError("signed body is not a PayPal event")
    return Event(
        id=str(data["id"]),
        event_type=str(data["event_type"]),
        resource_type=str(data.get("resource_type") or ""),
        resource=resource,
    )

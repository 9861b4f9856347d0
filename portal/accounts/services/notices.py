"""Security notices about a person's own account: their password changed, and a
sign-in from a device not seen before. Not optional (``portal.notifications``)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.notifications.services import notify

from ..models import KnownDevice, User
from .base import Client

MAX_AGENT = 512
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_label(*, user_agent: str) -> str:
    """A coarse name for a browser ("Firefox on Linux"), for the profile page."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), "")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


def _network(ip_address: str | None) -> str:
    """The network a sign-in came from: IPv4 /24, IPv6 /48 ("" when unknown)."""
    if not ip_address:
        return ""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def device_fingerprint(*, client: Client) -> str:
    """A keyed hash of (user agent, network): the same browser on the same network
    is one device."""
    material = f"{client.user_agent[:MAX_AGENT]}|{_network(client.ip_address)}"
    return hmac.new(
        settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256
    ).hexdigest()


def sign_in_device_check(*, user: User, client: Client) -> bool:
    """Remember the device of a successful sign-in; when the person had signed in
    before from other devices only, tell them (``accounts.new_sign_in``). Returns
    whether the device was new. A person's very first sign-in tells nobody."""
    fingerprint = device_fingerprint(client=client)
    known = KnownDevice.objects.filter(user=user)
    if known.filter(fingerprint=fingerprint).update(last_seen=timezone.now()):
        return False
    had_devices = known.exists()
    try:
        with transaction.atomic():
            KnownDevice.objects.create(
                user=user,
                fingerprint=fingerprint,
                label=device_label(user_agent=client.user_agent),
            )
    except IntegrityError:  # the same device signing in twice at once
        return False
    if had_devices:
        notify(
            user=user,
            event="accounts.new_sign_in",
            payload={
                "at": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
                "ip_address": client.ip_address or "",
                "user_agent": client.user_agent[:200],
            },
        )
    return had_devices


def password_changed_notify(*, user: User, client: Client) -> None:
    """Tell a person their password was changed (by them, a reset or an admin)."""
    notify(
        user=user,
        event="accounts.password_changed",
        payload={
            "at": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
            "ip_address": client.ip_address or "",
        },
    )

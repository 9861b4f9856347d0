"""The client's address, as seen through the proxies we run ourselves.

``X-Forwarded-For`` is written by whoever sent the request, so it is believed only
when the peer (``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES`` (addresses or
networks; empty, the default, trusts nobody). Behind such a proxy the client is the
right-most entry that is not itself a trusted proxy: entries further left were
written by the client and may be forged. Throttles (API and web sign-in), the audit
log and proctoring all read the address here, so a forged header moves none of them.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def ip_or_none(value: str | None) -> str | None:
    """``value`` as a normalized IP address, or None when it is not one."""
    # An IPv6 zone ("fe80::1%eth0") says nothing about the client, and inet refuses it.
    address = (value or "").strip().split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _is_trusted(address: str) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address of whoever made ``request`` (a Django or DRF request), or None
    when a trusted proxy forwarded something that is not an address."""
    address = ip_or_none(request.META.get("REMOTE_ADDR"))
    if address is None or not _is_trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = ip_or_none(entry)
        if address is None or not _is_trusted(address):
            return address
    return address

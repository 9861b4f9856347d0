"""The client's address, as seen through the proxies we run ourselves.

``X-Forwarded-For`` is written by whoever sent the request, so it is believed only
when the peer (``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES`` (addresses or
networks; empty, the default, trusts nobody). Behind such a proxy the client is the
right-most entry that is not itself a trusted proxy: entries further left were
written by the client and may be forged. Throttles (API and web sign-in), the audit
log and proctoring all read the address here, so a forged header moves none of them.

The entry ``unix`` trusts a peer on a Unix socket: gunicorn gives such a peer an
empty ``REMOTE_ADDR``, and only local processes allowed to open the socket (Nginx)
can be one. Without it, a portal served on a socket sees no client address at all
(the web sign-in refuses a request it cannot count).
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


UNIX_SOCKET = "unix"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in trusted
        if entry.strip() != UNIX_SOCKET
    )


def _trusted() -> tuple[str, ...]:
    return tuple(getattr(settings, "TRUSTED_PROXIES", ()))


def _is_trusted(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks(_trusted()))


def client_ip(request) -> str | None:
    """The address of whoever made ``request`` (a Django or DRF request), or None
    when a trusted proxy forwarded something that is not an address."""
    peer = request.META.get("REMOTE_ADDR")
    address = ip_or_none(peer)
    if address is None:
        unix_peer = not peer and UNIX_SOCKET in (e.strip() for e in _trusted())
        if not unix_peer:
            return None
    elif not _is_trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = ip_or_none(entry)
        if address is None or not _is_trusted(address):
            return address
    return address

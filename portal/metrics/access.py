"""Who may read the metrics: a bearer of ``METRICS_TOKEN`` or an address in
``METRICS_ALLOWED_NETWORKS`` (API.md, "Operations"). Both empty: nobody."""

import ipaddress
import secrets
from functools import lru_cache

from django.conf import settings

from portal.proxies import ip_or_none


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def metrics_reader_allowed(*, authorization: str, address: str | None) -> bool:
    """Whether a caller presenting the ``Authorization`` header ``authorization``
    from the client address ``address`` may read the metrics."""
    token = settings.METRICS_TOKEN
    scheme, _, credential = (authorization or "").partition(" ")
    if (
        token
        and scheme.lower() == "bearer"
        and secrets.compare_digest(credential.strip().encode(), token.encode())
    ):
        return True
    address = ip_or_none(address)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(
        ip in network
        for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
        if network.version == ip.version
    )

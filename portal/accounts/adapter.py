"""django-allauth's account adapter, changed only where the portal differs."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from portal.proxies import client_ip


class PortalAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address allauth's sign-in rate limits count by: the one throttles and
        the audit log use (``portal.proxies``), so behind Nginx each client has its
        own budget and a forged X-Forwarded-For from anyone else changes nothing."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

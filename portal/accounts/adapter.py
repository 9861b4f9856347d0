"""django-allauth's account and MFA adapters, changed only where the portal
differs."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from portal.crypto.fields import decrypt_text, encrypt_text
from portal.proxies import client_ip

from . import backoff
from .models import normalize_email
from .permissions import effective_role


class PortalAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address allauth's sign-in rate limits count by: the one throttles and
        the audit log use (``portal.proxies``), so behind Nginx each client has its
        own budget and a forged X-Forwarded-For from anyone else changes nothing."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def get_login_redirect_url(self, request) -> str:
        """Where a sign-in without ``?next=`` lands: the role's home page
        (``LOGIN_REDIRECT_BY_ROLE``, e.g. mentors on the mentor portal), else
        ``LOGIN_REDIRECT_URL``."""
        role = effective_role(getattr(request, "user", None))
        landing = settings.LOGIN_REDIRECT_BY_ROLE.get(role or "")
        return landing or super().get_login_redirect_url(request)

    def _backoff_pair(self, request, credentials) -> tuple[str, str] | None:
        email = credentials.get("email") or credentials.get("username")
        ip = client_ip(request)
        return (normalize_email(email), ip) if isinstance(email, str) and ip else None

    def pre_authenticate(self, request, **credentials) -> None:
        """The web sign-in waits out the same per-(account, address) backoff as the
        API (``backoff.py``); allauth's own per-account limit is only the ceiling."""
        super().pre_authenticate(request, **credentials)
        pair = self._backoff_pair(request, credentials)
        if pair and backoff.login_backoff_wait(email=pair[0], ip=pair[1]) > 0:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        pair = self._backoff_pair(request, credentials)
        if pair and user is not None:
            backoff.login_backoff_forget(email=pair[0], ip=pair[1])
        return user

    def authentication_failed(self, request, **credentials) -> None:
        pair = self._backoff_pair(request, credentials)
        if pair:
            backoff.login_backoff_failure_record(email=pair[0], ip=pair[1])


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth stores TOTP secrets and recovery-code seeds in a JSON column and
    passes them through these two hooks, which by default change nothing: here they
    are Fernet tokens under ``FIELD_ENCRYPTION_KEYS`` like every encrypted field
    (rotated by ``manage.py reencrypt``). A plain value is refused, not trusted:
    the data migration ``accounts.0007`` encrypted the ones stored before."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

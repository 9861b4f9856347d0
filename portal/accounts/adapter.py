"""django-allauth's account, social-account and MFA adapters, changed only where
the portal differs."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

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


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Third-party accounts (Discord) are *links* of a signed-in user, made from
    the profile page through allauth's connect flow, and never a way to sign in or
    sign up: those would skip the password, MFA and the sign-in throttles. Linking and
    unlinking ask for the password (or the second factor) again first
    (``SOCIALACCOUNT_REAUTHENTICATION_REQUIRED``), so a borrowed session cannot
    attach someone else's Discord."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        user = getattr(request, "user", None)
        process = (sociallogin.state or {}).get("process")
        if process != AuthProcess.CONNECT or not (user and user.is_authenticated):
            messages.error(
                request,
                _(
                    "Discord cannot be used to sign in. Sign in with your e-mail, "
                    "then link Discord from your profile."
                ),
            )
            raise ImmediateHttpResponse(redirect(settings.LOGIN_URL))
        provider = sociallogin.account.provider
        if (
            SocialAccount.objects.filter(user=user, provider=provider)
            .exclude(uid=sociallogin.account.uid)
            .exists()
        ):
            messages.error(
                request,
                _("Another account of this kind is linked: unlink it first."),
            )
            raise ImmediateHttpResponse(redirect("account-profile"))

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("account-profile")

    def get_app(self, request, provider, client_id=None):
        """A provider whose keys are not set answers 404 (its URLs exist because
        its app is installed), not a server error."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404("This provider is not configured.") from error


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

"""Bearer tokens of the organizations' HR systems; wrong tokens are throttled per
client address (the ``scim_token`` rate, counted in the never-evicting state
cache like the sign-in failures)."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from portal.accounts.throttles import FailureThrottle

from ..models import ScimToken
from ..selectors import scim_token_get
from ..services import scim_token_used


class ScimTokenThrottle(FailureThrottle):
    scope = "scim_token"


class ScimTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` → ``request.auth`` is the ``ScimToken``
    (``request.user`` stays anonymous: an HR system is no portal account)."""

    def authenticate(self, request):
        throttle = ScimTokenThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(throttle.wait())
        scheme, _, raw = (
            get_authorization_header(request).decode("latin-1").partition(" ")
        )
        token = scim_token_get(raw=raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            throttle.record_failure()
            raise exceptions.AuthenticationFailed("Invalid or missing bearer token.")
        scim_token_used(token=token)
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return 'Bearer realm="scim"'


class HasScimToken(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ScimToken)

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken

from ..tokens import is_access_token_denied, session_version


class PortalJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer authentication plus revocation: a logged-out token's ``jti``
    and session (``fam``) are denied, and tokens issued before the user's sessions
    were revoked (password reset, role change, deactivation) no longer work."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if is_access_token_denied(token):
            raise InvalidToken(_("Token has been revoked."))
        return token

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get("sv") != session_version(user):
            raise AuthenticationFailed(_("Session has ended; sign in again."))
        return user

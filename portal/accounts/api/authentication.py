from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from ..permissions import effective_role
from ..request_users import request_user
from ..services.session_controls import (
    api_session_over,
    api_session_timeout,
    api_session_used,
)
from ..tokens import access_token_state, session_version


class PortalJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer authentication plus revocation: a logged-out token's ``jti``
    and session (``fam``) are denied, and tokens issued before the user's sessions
    were revoked (password reset, role change, deactivation) no longer work.

    The session controls apply too: a token whose session outlived its absolute
    lifetime or sat unused for the role's idle timeout ends that session (401), and
    every accepted token is a use of its session (``session_controls``)."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        state = access_token_state(token)
        if state.denied:
            raise InvalidToken(_("Token has been revoked."))
        token.family_seen = state.seen
        token.user_generation = state.user_generation
        return token

    def get_user(self, validated_token):
        """simplejwt's checks on the user (exists, active), the user read through
        ``request_users`` (kept in memory while unchanged) instead of a query per
        request."""
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidToken(
                _("Token contained no recognizable user identification")
            ) from exc
        user = request_user(user_id, getattr(validated_token, "user_generation", None))
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if validated_token.get("sv") != session_version(user):
            raise AuthenticationFailed(_("Session has ended; sign in again."))
        family = validated_token.get("fam")
        over = api_session_over(
            user=user, token=validated_token, seen=validated_token.family_seen
        )
        if over:
            api_session_timeout(user=user, family=family, reason=over)
            raise AuthenticationFailed(_("Session has ended; sign in again."))
        if family:
            api_session_used(
                family=family,
                role=effective_role(user),
                seen=validated_token.family_seen,
            )
        return user

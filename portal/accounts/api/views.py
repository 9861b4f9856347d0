"""Authentication and users API (API.md: Authentication, Users). Views are thin: they
validate input, call one service or selector and serialize the result."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import StrictBooleanField, StrictCharField, StrictRegexField
from portal.audit.services import request_metadata
from portal.errors import DomainError, NotFound

from .. import mfa, services, throttles
from ..models import ClearanceLevel, Role
from ..permissions import mfa_required_for, permissions_for, private_profile_visible
from ..selectors import user_get_visible

NAME_MAX = 150


# --- Serializers -------------------------------------------------------------------


# Shown to the person and administrators only (``private_profile_visible``).
PRIVATE_PROFILE_FIELDS = ("date_of_birth", "clearance_level")


class ProfileOutput(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    bio = serializers.CharField(source="profile.bio")
    phone = serializers.CharField(source="profile.phone")
    organization_name = serializers.CharField(source="profile.organization_name")
    avatar = serializers.SerializerMethodField()
    date_of_birth = serializers.DateField(
        source="profile.date_of_birth",
        allow_null=True,
        required=False,
        help_text="Only for the person and administrators (absent otherwise).",
    )
    clearance_level = serializers.ChoiceField(
        source="profile.clearance_level",
        choices=ClearanceLevel.choices,
        allow_blank=True,
        required=False,
        help_text="Only for the person and administrators (absent otherwise).",
    )

    def get_avatar(self, user) -> str | None:
        avatar = user.profile.avatar
        return avatar.url if avatar else None

    def to_representation(self, user):
        data = super().to_representation(user)
        if not private_profile_visible(self.context.get("viewer"), user):
            for name in PRIVATE_PROFILE_FIELDS:
                data.pop(name, None)
        return data


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)
    permissions = serializers.SerializerMethodField()
    profile = ProfileOutput(source="*")

    def get_permissions(self, user) -> list[str]:
        return permissions_for(user)


class TokenPairOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Access token (15 minutes).")
    refresh = serializers.CharField(help_text="Refresh token (7 days, single use).")


class AuthOutput(TokenPairOutput):
    user = UserOutput()


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        min_length=12, max_length=128, trim_whitespace=False
    )
    first_name = serializers.CharField(
        max_length=NAME_MAX, required=False, allow_blank=True
    )
    last_name = serializers.CharField(
        max_length=NAME_MAX, required=False, allow_blank=True
    )


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class MFAVerifyInput(serializers.Serializer):
    mfa_token = serializers.CharField(max_length=512)
    code = serializers.CharField(max_length=64)


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=2048)


class EmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ResetPasswordInput(serializers.Serializer):
    token = serializers.CharField(max_length=512)
    password = serializers.CharField(
        min_length=12, max_length=128, trim_whitespace=False
    )


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class UserUpdateInput(serializers.Serializer):
    first_name = StrictCharField(max_length=NAME_MAX, required=False, allow_blank=True)
    last_name = StrictCharField(max_length=NAME_MAX, required=False, allow_blank=True)
    bio = StrictCharField(max_length=5000, required=False, allow_blank=True)
    phone = StrictRegexField(
        r"^\+?[0-9 ()\-.]{3,31}$", max_length=32, required=False, allow_blank=True
    )
    organization_name = StrictCharField(
        max_length=255, required=False, allow_blank=True
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    clearance_level = serializers.ChoiceField(
        choices=ClearanceLevel.choices, required=False, allow_blank=True
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = StrictBooleanField(required=False)


MessageOutput = inline_serializer("Message", {"detail": serializers.CharField()})


def _client(request) -> services.Client:
    return services.Client(**request_metadata(request=request))


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _auth_payload(result: services.LoginResult) -> dict:
    return {
        "token": result.access,
        "refresh": result.refresh,
        "user": UserOutput(result.user, context={"viewer": result.user}).data,
    }


class PublicAuthView(APIView):
    """Auth endpoints anyone may call; a stale bearer header must not get in the way."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


# --- Authentication ----------------------------------------------------------------


class RegisterView(PublicAuthView):
    throttle_classes = [throttles.RegisterIPThrottle]

    @extend_schema(request=RegisterInput, responses={201: AuthOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(RegisterInput, request)
        user = services.user_register(client=_client(request), **data)
        result = services.auth_tokens_issue(user=user, client=_client(request))
        return Response(_auth_payload(result), status=status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    throttle_classes = [
        throttles.LoginIPThrottle,
        throttles.LoginBackoffThrottle,
        throttles.LoginAccountThrottle,
    ]

    @extend_schema(request=LoginInput, responses={200: AuthOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(LoginInput, request)
        try:
            result = services.auth_login(client=_client(request), **data)
        except services.AuthenticationFailed:
            self._record_failure()
            raise
        for throttle in self._throttles:
            throttle.record_success()
        if result.mfa_token:
            raise DomainError(
                _("Enter the code from your authenticator app."),
                code="MFA_REQUIRED",
                status=401,
                data={"mfa_token": result.mfa_token},
            )
        return Response(_auth_payload(result))

    def _record_failure(self) -> None:
        for throttle in self._throttles:
            throttle.record_failure()

    def check_throttles(self, request):
        # Keep the instances: failures are recorded on them after the attempt.
        self._throttles = self.get_throttles()
        for throttle in self._throttles:
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())


class MFAVerifyView(LoginView):
    throttle_classes = [
        throttles.LoginIPThrottle,
        throttles.MFAThrottle,
        throttles.MFAAccountThrottle,
    ]

    @extend_schema(request=MFAVerifyInput, responses={200: AuthOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(MFAVerifyInput, request)
        try:
            result = services.auth_mfa_verify(client=_client(request), **data)
        except services.AuthenticationFailed:
            self._record_failure()
            raise
        return Response(_auth_payload(result))


class RefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshInput, responses={200: TokenPairOutput}, tags=["auth"]
    )
    def post(self, request, *args, **kwargs):
        data = _validated(RefreshInput, request)
        access, refresh = services.auth_refresh(
            refresh=data["refresh"], client=_client(request)
        )
        return Response({"token": access, "refresh": refresh})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]
    mfa_exempt = True

    @extend_schema(request=RefreshInput, responses={200: MessageOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(RefreshInput, request)
        services.auth_logout(
            user=request.user,
            refresh=data["refresh"],
            access_token=request.auth,
            client=_client(request),
        )
        return Response({"detail": _("Signed out.")})


class LogoutAllView(APIView):
    """Sign out everywhere: every web session and API token family of the caller
    ends, this one included (the profile page's "Sign out everywhere")."""

    permission_classes = [IsAuthenticated]
    mfa_exempt = True

    @extend_schema(request=None, responses={200: MessageOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        services.user_sign_out_everywhere(user=request.user, client=_client(request))
        return Response({"detail": _("Signed out on every device.")})


class ForgotPasswordView(PublicAuthView):
    throttle_classes = [
        throttles.PasswordResetThrottle,
        throttles.PasswordResetAccountThrottle,
    ]

    @extend_schema(request=EmailInput, responses={200: MessageOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(EmailInput, request)
        services.password_reset_request(email=data["email"], client=_client(request))
        return Response(
            {"detail": _("If an account uses this email, a reset link is on its way.")}
        )


class ResetPasswordView(PublicAuthView):
    throttle_classes = [throttles.PasswordResetThrottle]

    @extend_schema(
        request=ResetPasswordInput, responses={200: MessageOutput}, tags=["auth"]
    )
    def post(self, request, *args, **kwargs):
        data = _validated(ResetPasswordInput, request)
        services.password_reset_confirm(client=_client(request), **data)
        return Response({"detail": _("Your password has been changed. Sign in again.")})


# --- MFA enrolment -----------------------------------------------------------------


class MFAStatusView(APIView):
    mfa_exempt = True

    @extend_schema(
        responses={
            200: inline_serializer(
                "MFAStatus",
                {
                    "enabled": serializers.BooleanField(),
                    "required": serializers.BooleanField(),
                    "recovery_codes_left": serializers.IntegerField(),
                },
            )
        },
        tags=["auth"],
    )
    def get(self, request, *args, **kwargs):
        recovery = mfa.Authenticator.objects.filter(
            user=request.user, type=mfa.Authenticator.Type.RECOVERY_CODES
        ).first()
        left = len(mfa.RecoveryCodes(recovery).get_unused_codes()) if recovery else 0
        return Response(
            {
                "enabled": mfa.totp_enabled(request.user),
                "required": mfa_required_for(request.user),
                "recovery_codes_left": left,
            }
        )


class TOTPSetupView(APIView):
    mfa_exempt = True

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "TOTPSetup",
                {
                    "secret": serializers.CharField(),
                    "otpauth_url": serializers.CharField(),
                },
            )
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return Response(services.mfa_totp_setup_start(user=request.user))


class TOTPConfirmView(APIView):
    mfa_exempt = True
    throttle_classes = [throttles.MFAThrottle]

    @extend_schema(
        request=CodeInput,
        responses={
            200: inline_serializer(
                "RecoveryCodes",
                {
                    "recovery_codes": serializers.ListField(
                        child=serializers.CharField()
                    )
                },
            )
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        data = _validated(CodeInput, request)
        codes = services.mfa_totp_confirm(
            user=request.user, code=data["code"], client=_client(request)
        )
        return Response({"recovery_codes": codes})


class TOTPDisableView(APIView):
    mfa_exempt = True
    throttle_classes = [throttles.MFAThrottle]

    @extend_schema(request=CodeInput, responses={200: MessageOutput}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        data = _validated(CodeInput, request)
        services.mfa_totp_disable(
            user=request.user, code=data["code"], client=_client(request)
        )
        return Response({"detail": _("Two-factor authentication is off.")})


# --- Users -------------------------------------------------------------------------


MAX_ID = 2**63 - 1


def resolve_user_id(request, user_id: str) -> int:
    """``me`` is the caller; ids beyond the database's range simply do not exist."""
    if user_id == "me":
        return request.user.pk
    value = int(user_id)
    if value > MAX_ID:
        raise NotFound(_("User not found."))
    return value


class UserDetailView(APIView):
    @extend_schema(responses={200: UserOutput}, tags=["users"])
    def get(self, request, user_id, *args, **kwargs):
        user = user_get_visible(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        return Response(UserOutput(user, context={"viewer": request.user}).data)

    @extend_schema(request=UserUpdateInput, responses={200: UserOutput}, tags=["users"])
    def put(self, request, user_id, *args, **kwargs):
        user = user_get_visible(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        data = _validated(UserUpdateInput, request)
        user = services.user_update(
            actor=request.user, user=user, data=data, client=_client(request)
        )
        return Response(UserOutput(user, context={"viewer": request.user}).data)

    patch = put

from django.urls import re_path

from . import api

urlpatterns = [
    re_path(r"^auth/register/?$", api.RegisterView.as_view(), name="auth-register"),
    re_path(r"^auth/login/?$", api.LoginView.as_view(), name="auth-login"),
    re_path(
        r"^auth/mfa/verify/?$", api.MFAVerifyView.as_view(), name="auth-mfa-verify"
    ),
    re_path(r"^auth/refresh/?$", api.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", api.LogoutView.as_view(), name="auth-logout"),
    re_path(
        r"^auth/forgot-password/?$",
        api.ForgotPasswordView.as_view(),
        name="auth-forgot-password",
    ),
    re_path(
        r"^auth/reset-password/?$",
        api.ResetPasswordView.as_view(),
        name="auth-reset-password",
    ),
    re_path(r"^auth/mfa/?$", api.MFAStatusView.as_view(), name="auth-mfa"),
    re_path(
        r"^auth/mfa/totp/setup/?$", api.TOTPSetupView.as_view(), name="auth-totp-setup"
    ),
    re_path(
        r"^auth/mfa/totp/confirm/?$",
        api.TOTPConfirmView.as_view(),
        name="auth-totp-confirm",
    ),
    re_path(
        r"^auth/mfa/totp/disable/?$",
        api.TOTPDisableView.as_view(),
        name="auth-totp-disable",
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/?$",
        api.UserDetailView.as_view(),
        name="user-detail",
    ),
]

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="auth-register"),
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(
        r"^auth/mfa/verify/?$", views.MFAVerifyView.as_view(), name="auth-mfa-verify"
    ),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(
        r"^auth/logout-all/?$", views.LogoutAllView.as_view(), name="auth-logout-all"
    ),
    re_path(
        r"^auth/forgot-password/?$",
        views.ForgotPasswordView.as_view(),
        name="auth-forgot-password",
    ),
    re_path(
        r"^auth/reset-password/?$",
        views.ResetPasswordView.as_view(),
        name="auth-reset-password",
    ),
    re_path(r"^auth/mfa/?$", views.MFAStatusView.as_view(), name="auth-mfa"),
    re_path(
        r"^auth/mfa/totp/setup/?$",
        views.TOTPSetupView.as_view(),
        name="auth-totp-setup",
    ),
    re_path(
        r"^auth/mfa/totp/confirm/?$",
        views.TOTPConfirmView.as_view(),
        name="auth-totp-confirm",
    ),
    re_path(
        r"^auth/mfa/totp/disable/?$",
        views.TOTPDisableView.as_view(),
        name="auth-totp-disable",
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/?$",
        views.UserDetailView.as_view(),
        name="user-detail",
    ),
]

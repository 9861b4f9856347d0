from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import User
from .tokens import password_reset_key


@shared_task(
    name="accounts.send_password_reset_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_password_reset_email(user_id: int) -> None:
    """Email a reset link (web) and the same key as a token (API clients)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    key = password_reset_key(user)
    context = {
        "user": user,
        "token": key,
        "reset_url": (
            f"{settings.WAGTAILADMIN_BASE_URL}/accounts/password/reset/key/{key}/"
        ),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_mail(
        subject=f"Reset your {settings.WAGTAIL_SITE_NAME} password",
        message=render_to_string("accounts/email/password_reset.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@shared_task(name="accounts.prune_sign_in_sessions")
def prune_sign_in_sessions() -> int:
    """Daily: forget sign-in sessions over long ago (``sign_in_sessions_prune``)."""
    from .services.session_controls import sign_in_sessions_prune

    return sign_in_sessions_prune()

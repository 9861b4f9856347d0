"""The e-mail channel: one templated message (plain text, and HTML when the event
has an ``body.html``), with unsubscribe links for optional events and the files the
payload's ``attachments`` name (rendered through ``NOTIFICATION_ATTACHMENT``)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse

from portal import hooks as portal_hooks

from .events import event_get
from .selectors import unsubscribe_token


def email_render(*, user: Any, event: str, payload: dict) -> EmailMultiAlternatives:
    """The message ``event`` would send to ``user`` (rendered, not sent)."""
    site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "user": user,
        "payload": payload,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url,
    }
    headers = {}
    if event_get(event).optional:
        path = reverse(
            "notifications:unsubscribe",
            kwargs={"token": unsubscribe_token(user_id=user.pk, event=event)},
        )
        context["unsubscribe_url"] = f"{site_url}{path}"
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    base = f"notifications/{event}"
    subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=headers,
    )
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(
            render_to_string(f"{base}/body.html", context), "text/html"
        )
    # Files named in the payload (a calendar invitation...), rendered now by the
    # app that knows them (``portal.hooks.NOTIFICATION_ATTACHMENT``).
    for filename, content, mimetype in portal_hooks.notification_attachments_render(
        payload=payload, user=user
    ):
        message.attach(filename, content, mimetype)
    return message


def email_send(*, user: Any, event: str, payload: dict) -> bool:
    """The ``NOTIFICATION`` answer for e-mail."""
    if not user.email:
        return False
    return email_render(user=user, event=event, payload=payload).send() > 0

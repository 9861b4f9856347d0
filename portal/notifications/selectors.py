"""Reads: a person's preferences, unsubscribe tokens."""

from __future__ import annotations

from typing import Any

from django.core import signing

from .events import EVENTS
from .models import NotificationPreference

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"


def event_enabled(*, user: Any, event: str) -> bool:
    """Whether ``user`` gets ``event``: always for non-optional events, else their
    preference (on by default)."""
    if not EVENTS[event].optional:
        return True
    pref = (
        NotificationPreference.objects.filter(user=user, event=event)
        .values_list("enabled", flat=True)
        .first()
    )
    return True if pref is None else pref


def preferences_for(*, user: Any) -> list[dict]:
    """Every optional event with the person's choice, for the profile page."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("event", "enabled")
    )
    return [
        {"event": name, "label": spec.label, "enabled": chosen.get(name, True)}
        for name, spec in EVENTS.items()
        if spec.optional
    ]


def unsubscribe_token(*, user_id: int, event: str) -> str:
    """A signed, non-expiring token naming (user, event): an unsubscribe link must
    keep working in an old e-mail."""
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user id, event) of a valid token, else ``None``."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, event = data.get("u"), data.get("e")
    if not isinstance(user_id, int) or event not in EVENTS:
        return None
    return user_id, event

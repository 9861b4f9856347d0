from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from ..events import EVENTS
from ..models import NotificationPreference
from ..selectors import unsubscribe_token_read


def preference_set(*, user: Any, event: str, enabled: bool) -> NotificationPreference:
    """Turn an optional event on or off for ``user``; a ``ValueError`` for an event
    people cannot turn off."""
    spec = EVENTS.get(event)
    if spec is None or not spec.optional:
        raise ValueError(f"{event!r} cannot be turned off")
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, event=event, defaults={"enabled": enabled}
    )
    return pref


def unsubscribe(*, token: str) -> NotificationPreference | None:
    """Apply an unsubscribe link's token; ``None`` when it is invalid."""
    read = unsubscribe_token_read(token)
    if read is None:
        return None
    user_id, event = read
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not EVENTS[event].optional:
        return None
    return preference_set(user=user, event=event, enabled=False)

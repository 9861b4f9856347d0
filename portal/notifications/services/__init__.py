"""Sending notifications and a person's choices about them.

``notify`` is the one way any app tells a person something: it records the
notification in the caller's transaction and delivers it after commit on Celery
through every ``portal.hooks.NOTIFICATION`` channel (e-mail is registered here;
Discord and others add theirs). Never inside the request's transaction, never
twice for one ``key``.
"""

from .delivery import notification_deliver, notifications_redeliver, notify
from .preferences import preference_set, unsubscribe

__all__ = [
    "notification_deliver",
    "notifications_redeliver",
    "notify",
    "preference_set",
    "unsubscribe",
]

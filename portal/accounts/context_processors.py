"""Template context of every page: the session timeout dialog's figures."""

import time

from .services.session_controls import STATE_KEY, web_session_status


def session_timeout(request) -> dict:
    """``session_timeout``: seconds left and when to warn, for a signed-in visitor
    (``templates/accounts/session_timeout.html``); ``None`` otherwise."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    state = session.get(STATE_KEY) if user and user.is_authenticated else None
    if state is None:
        return {"session_timeout": None}
    return {
        "session_timeout": web_session_status(user=user, state=state, now=time.time())
    }

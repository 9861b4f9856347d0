"""Discord's bot REST API: read a guild member, add and remove a member's role.

Under the shared outside-call policy (``integrations.resilience``: timeouts, retries
with backoff, the breaker) and Discord's own rate limits (``ratelimits.py``): a spent
bucket is waited for before sending, and a 429 is waited out for its JSON
``retry_after`` and sent again. A wait longer than this process is allowed to sleep
in one call (``INTEGRATIONS_RETRY_MAX_WAIT_SECONDS``) raises ``DiscordRateLimited``
with the wait, for the Celery task to retry that much later; rate limits are not
failures, so they never open the circuit.

Reads ``settings.DISCORD``; callers check ``discord_configured()`` first.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from ..http import OutsideCallRejected, VendorClient, retry_after_seconds
from ..resilience import OutsideCallError
from .ratelimits import rate_limiter
from .types import GuildMember, RateLimit

logger = logging.getLogger(__name__)

VENDOR = "discord"
# 429s one call sends again after waiting them out, before giving the wait back.
RATE_LIMIT_TRIES = 3


def discord_configured() -> bool:
    return settings.DISCORD is not None


class DiscordRateLimited(OutsideCallError):
    """Discord asked for a longer wait than a call may sleep: try again in
    ``retry_after`` seconds. Neither retried in the call nor counted by the
    breaker (Discord is healthy; we are early)."""

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message, vendor=VENDOR)
        self.retry_after = retry_after


class DiscordBot(VendorClient):
    """The bot's calls in the configured guild. Raises ``TransientError`` /
    ``OutsideCallTimeout`` once retries are spent, ``CircuitOpenError`` while
    Discord's circuit is open, ``DiscordRateLimited`` (above) and
    ``OutsideCallRejected`` for a refusal (403: the bot lacks Manage Roles or the
    role is above its own)."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        config = settings.DISCORD
        if config is None:
            raise RuntimeError("Discord is not configured (DISCORD_BOT_TOKEN).")
        super().__init__(
            vendor=VENDOR,
            base_url=config["API_BASE"],
            headers={"Authorization": f"Bot {config['BOT_TOKEN']}"},
            transport=transport,
        )
        self.guild_id = config["GUILD_ID"]

    def member_get(self, *, user_id: str) -> GuildMember | None:
        """The member ``user_id`` of the guild, or ``None`` when they are not in it."""
        try:
            response = self.request(
                "GET", f"/guilds/{self.guild_id}/members/{_snowflake(user_id)}"
            )
        except OutsideCallRejected as error:
            if error.status == 404:
                return None
            raise
        return GuildMember.from_json(response.json())

    def member_role_add(self, *, user_id: str, role_id: str, reason: str = "") -> bool:
        """Give the member a role (a no-op at Discord when they have it); ``False``
        when they are not in the guild."""
        return self._role("PUT", user_id=user_id, role_id=role_id, reason=reason)

    def member_role_remove(
        self, *, user_id: str, role_id: str, reason: str = ""
    ) -> bool:
        """Take a role from the member (a no-op at Discord when they lack it);
        ``False`` when they are not in the guild."""
        return self._role("DELETE", user_id=user_id, role_id=role_id, reason=reason)

    def _role(self, method: str, *, user_id: str, role_id: str, reason: str) -> bool:
        path = (
            f"/guilds/{self.guild_id}/members/{_snowflake(user_id)}"
            f"/roles/{_snowflake(role_id)}"
        )
        headers = {"X-Audit-Log-Reason": quote(reason[:400])} if reason else {}
        try:
            self.request(method, path, headers=headers)
        except OutsideCallRejected as error:
            if error.status == 404 and _error_code(error.body) == UNKNOWN_MEMBER:
                return False
            raise
        return True

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        route = _route(method, path)
        for _ in range(RATE_LIMIT_TRIES):
            self._wait(route)
            response = self._exchange(method, path, **kwargs)
            rate_limiter.record(route, RateLimit.from_headers(response.headers))
            if response.status_code != 429:
                return self._checked(method, path, response)
            retry_after, is_global = _rate_limited(response)
            rate_limiter.limited(route, retry_after=retry_after, is_global=is_global)
            logger.warning(
                "discord rate limit hit",
                extra={
                    "route": route,
                    "retry_after": retry_after,
                    "global": is_global,
                    "scope": response.headers.get("X-RateLimit-Scope", ""),
                },
            )
        wait = rate_limiter.wait_for(route)
        raise DiscordRateLimited(
            f"{method} {route} still rate limited after {RATE_LIMIT_TRIES} tries",
            retry_after=wait,
        )

    def _wait(self, route: str) -> None:
        wait = rate_limiter.wait_for(route)
        if wait <= 0:
            return
        if wait > settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS:
            raise DiscordRateLimited(
                f"{route} is rate limited for {wait:.1f}s", retry_after=wait
            )
        time.sleep(wait)


# Discord's JSON error code for "Unknown Member" (the user is not in the guild).
UNKNOWN_MEMBER = 10007
_SNOWFLAKE = re.compile(r"\d{1,20}")
_IDS = re.compile(r"/(members|roles)/\d+")


def _snowflake(value: str) -> str:
    """An id as it may appear in a path: digits only (a role id comes from an
    admin's form, a user id from OAuth; neither may steer the request elsewhere)."""
    value = str(value)
    if not _SNOWFLAKE.fullmatch(value):
        raise ValueError(f"not a Discord id: {value!r}")
    return value


def _route(method: str, path: str) -> str:
    """The rate-limit route of a request: ids other than the guild's templated."""
    template = _IDS.sub(r"/\1/:id", path).lstrip("/")
    return f"{method} {template}"


def _rate_limited(response: httpx.Response) -> tuple[float, bool]:
    """How long a 429 asks to wait, and whether the bot's global limit is hit: the
    JSON body's ``retry_after`` and ``global``, else the headers (a 429 from
    Discord's edge may come without JSON)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    wait = body.get("retry_after")
    if not isinstance(wait, int | float) or wait < 0:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
    if wait is None:
        wait = RateLimit.from_headers(response.headers).reset_after or 1.0
    is_global = bool(body.get("global")) or (
        response.headers.get("X-RateLimit-Global", "").lower() == "true"
    )
    return float(wait), is_global


def _error_code(body: str) -> int | None:
    """The ``code`` of Discord's JSON error body, if it has one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, int) else None

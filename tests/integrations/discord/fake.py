"""A stand-in for Discord's API on a local HTTP server (pytest-httpserver), answering
as Discord documents: guild members and their roles for the bot (``Authorization:
Bot …``) with real ``X-RateLimit-*`` headers and 429s carrying JSON ``retry_after``
and ``global``, and the OAuth2 token and ``/users/@me`` endpoints allauth calls."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from werkzeug import Request, Response

from integrations.discord.ratelimits import rate_limiter
from integrations.resilience import vendor_breaker

API = "/api/v10"
GUILD_ID = "100000000000000001"
BOT_TOKEN = "bot-token-for-tests"
CLIENT_ID = "300000000000000001"
CLIENT_SECRET = "client-secret-for-tests"

MEMBER = re.compile(rf"^{API}/guilds/(\d+)/members/(\d+)$")
ROLE = re.compile(rf"^{API}/guilds/(\d+)/members/(\d+)/roles/(\d+)$")


@dataclass
class Call:
    method: str
    path: str
    at: float
    status: int
    headers: dict = field(default_factory=dict)


class FakeDiscord:
    """The guild's members (``members``: user id → set of role ids) and every call
    the portal made (``calls``). ``limit`` requests per bucket per ``window``
    seconds, like Discord's per-route buckets; ``rate_limit_next`` and
    ``fail_next`` script the next answers."""

    def __init__(self, httpserver, *, limit: int = 50, window: float = 1.0):
        self.server = httpserver
        self.members: dict[str, set[str]] = {}
        self.calls: list[Call] = []
        self.limit = limit
        self.window = window
        self._buckets: dict[str, tuple[int, float]] = {}
        self._scripted: list[tuple[int, dict, dict]] = []
        self._lock = threading.Lock()
        self.oauth_users: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        httpserver.expect_request(MEMBER, method="GET").respond_with_handler(
            self._member
        )
        for method in ("PUT", "DELETE"):
            httpserver.expect_request(ROLE, method=method).respond_with_handler(
                self._role
            )
        httpserver.expect_request(
            "/api/oauth2/token", method="POST"
        ).respond_with_handler(self._token)
        httpserver.expect_request("/api/users/@me", method="GET").respond_with_handler(
            self._me
        )

    # --- scripting ------------------------------------------------------------------

    def rate_limit_next(
        self, count: int = 1, *, retry_after: float = 0.2, is_global: bool = False
    ) -> None:
        """The next ``count`` bot requests get a 429 as Discord sends it."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        headers = {
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update(
                {
                    "X-RateLimit-Limit": str(self.limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                    "X-RateLimit-Bucket": "roles-bucket",
                }
            )
        with self._lock:
            self._scripted.extend([(429, body, headers)] * count)

    def fail_next(self, count: int = 1, *, status: int = 503) -> None:
        with self._lock:
            self._scripted.extend(
                [(status, {"message": "Service Unavailable"}, {})] * count
            )

    def recover(self) -> None:
        """Drop the scripted answers that are left: Discord is healthy again."""
        with self._lock:
            self._scripted.clear()

    def calls_to(self, method: str | None = None) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.path.startswith(API) and (method is None or call.method == method)
        ]

    # --- the bot's API --------------------------------------------------------------

    def _bucket_headers(self, bucket: str) -> tuple[dict, bool]:
        """Count one request against ``bucket``: its headers, and whether it is
        over the limit (Discord would answer 429)."""
        now = time.monotonic()
        remaining, resets_at = self._buckets.get(
            bucket, (self.limit, now + self.window)
        )
        if now >= resets_at:
            remaining, resets_at = self.limit, now + self.window
        over = remaining <= 0
        if not over:
            remaining -= 1
        self._buckets[bucket] = (remaining, resets_at)
        return (
            {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{time.time() + resets_at - now:.3f}",
                "X-RateLimit-Reset-After": f"{max(0.0, resets_at - now):.3f}",
                "X-RateLimit-Bucket": bucket,
                "X-RateLimit-Scope": "user",
            },
            over,
        )

    def _answer(self, request: Request, bucket: str, ok) -> Response:
        with self._lock:
            if request.headers.get("Authorization") != f"Bot {BOT_TOKEN}":
                return self._log(
                    request,
                    Response(
                        json.dumps({"message": "401: Unauthorized", "code": 0}),
                        status=401,
                        content_type="application/json",
                    ),
                )
            if self._scripted:
                status, body, headers = self._scripted.pop(0)
                return self._log(
                    request,
                    Response(
                        json.dumps(body),
                        status=status,
                        headers=headers,
                        content_type="application/json",
                    ),
                )
            headers, over = self._bucket_headers(bucket)
            if over:
                wait = float(headers["X-RateLimit-Reset-After"])
                return self._log(
                    request,
                    Response(
                        json.dumps(
                            {
                                "message": "You are being rate limited.",
                                "retry_after": wait,
                                "global": False,
                            }
                        ),
                        status=429,
                        headers={**headers, "Retry-After": str(max(1, round(wait)))},
                        content_type="application/json",
                    ),
                )
            status, body = ok()
            response = Response(
                json.dumps(body) if body is not None else "",
                status=status,
                headers=headers,
                content_type="application/json",
            )
            return self._log(request, response)

    def _log(self, request: Request, response: Response) -> Response:
        self.calls.append(
            Call(
                request.method,
                request.path,
                time.monotonic(),
                response.status_code,
                dict(request.headers),
            )
        )
        return response

    def _member(self, request: Request) -> Response:
        guild, user_id = MEMBER.match(request.path).groups()

        def ok():
            if guild != GUILD_ID:
                return 404, {"message": "Unknown Guild", "code": 10004}
            if user_id not in self.members:
                return 404, {"message": "Unknown Member", "code": 10007}
            return 200, {
                "user": {"id": user_id, "username": f"user{user_id[-3:]}"},
                "nick": None,
                "roles": sorted(self.members[user_id]),
                "joined_at": "2024-01-01T00:00:00+00:00",
            }

        return self._answer(request, f"member-get:{guild}", ok)

    def _role(self, request: Request) -> Response:
        guild, user_id, role_id = ROLE.match(request.path).groups()

        def ok():
            if guild != GUILD_ID:
                return 404, {"message": "Unknown Guild", "code": 10004}
            if user_id not in self.members:
                return 404, {"message": "Unknown Member", "code": 10007}
            if request.method == "PUT":
                self.members[user_id].add(role_id)
            else:
                self.members[user_id].discard(role_id)
            return 204, None

        return self._answer(request, f"roles:{guild}", ok)

    # --- OAuth2, for allauth ----------------------------------------------------------

    def _token(self, request: Request) -> Response:
        form = {
            key: values[0]
            for key, values in parse_qs(request.get_data(as_text=True)).items()
        }
        self.token_requests.append(form)
        if (
            form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("grant_type") != "authorization_code"
            or form.get("code") not in self.oauth_users
        ):
            return Response(
                json.dumps({"error": "invalid_grant"}),
                status=400,
                content_type="application/json",
            )
        return Response(
            json.dumps(
                {
                    "access_token": f"access-{form['code']}",
                    "token_type": "Bearer",
                    "expires_in": 604800,
                    "refresh_token": "refresh-token",
                    "scope": "identify",
                }
            ),
            content_type="application/json",
        )

    def _me(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        user = self.oauth_users.get(token.removeprefix("access-"))
        if user is None:
            return Response(
                json.dumps({"message": "401: Unauthorized", "code": 0}),
                status=401,
                content_type="application/json",
            )
        return Response(json.dumps(user), content_type="application/json")

    def oauth_user(self, code: str, *, user_id: str, username: str) -> None:
        """Discord will answer the authorization ``code`` with this user."""
        self.oauth_users[code] = {
            "id": user_id,
            "username": username,
            "global_name": username.title(),
            "discriminator": "0",
            "avatar": None,
        }


@contextlib.contextmanager
def discord_switched_on(httpserver, settings):
    """Discord's keys set, its API answered by a ``FakeDiscord`` on ``httpserver``,
    and the policy waiting fractions of a second; rate-limit and circuit state
    fresh."""
    settings.INTEGRATIONS_RETRY_ATTEMPTS = 3
    settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 2
    settings.INTEGRATIONS_BREAKER_FAIL_MAX = 3
    settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 60
    settings.INTEGRATIONS_TIMEOUT_SECONDS = 2
    settings.DISCORD = {
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "BOT_TOKEN": BOT_TOKEN,
        "GUILD_ID": GUILD_ID,
        "API_BASE": httpserver.url_for(API),
    }
    settings.SOCIALACCOUNT_PROVIDERS = {
        "discord": {
            "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
            "SCOPE": ["identify"],
        }
    }
    rate_limiter.clear()
    vendor_breaker(vendor="discord").close()
    try:
        yield FakeDiscord(httpserver)
    finally:
        rate_limiter.clear()
        vendor_breaker(vendor="discord").close()

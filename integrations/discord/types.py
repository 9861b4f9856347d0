"""What Discord's REST API returns to the portal, as values (apps never see raw
JSON). Ids are snowflakes: strings, as Discord sends them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GuildMember:
    """A user's membership of the guild: their id and the ids of their roles."""

    user_id: str
    roles: frozenset[str]
    nick: str | None = None

    @classmethod
    def from_json(cls, data: dict) -> GuildMember:
        user = data.get("user") or {}
        return cls(
            user_id=str(user.get("id", "")),
            roles=frozenset(str(role) for role in data.get("roles") or ()),
            nick=data.get("nick"),
        )


@dataclass(frozen=True)
class RateLimit:
    """What Discord's ``X-RateLimit-*`` headers said about one bucket: requests
    left, seconds until it refills, the bucket's id (routes may share one) and the
    scope (``user``, ``global`` or ``shared``)."""

    remaining: int | None
    reset_after: float | None
    bucket: str | None
    scope: str | None

    @classmethod
    def from_headers(cls, headers) -> RateLimit:
        return cls(
            remaining=_number(headers.get("X-RateLimit-Remaining"), int),
            reset_after=_number(headers.get("X-RateLimit-Reset-After"), float),
            bucket=headers.get("X-RateLimit-Bucket") or None,
            scope=headers.get("X-RateLimit-Scope") or None,
        )


def _number(value: str | None, kind: type) -> int | float | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return None

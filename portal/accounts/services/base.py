"""What the accounts services share: where a call came from (for the audit log), the
error for a failed sign-in, and the audit record every write leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.audit.services import audit_log_record
from portal.errors import DomainError

from ..models import User


class AuthenticationFailed(DomainError):
    code = "AUTHENTICATION_FAILED"
    status = 401


@dataclass(frozen=True)
class Client:
    """Where a request came from, for the audit log."""

    ip_address: str | None = None
    user_agent: str = ""


def account_audit(
    *, action: str, user: User | None = None, client: Client, **kwargs: Any
) -> None:
    audit_log_record(
        action=action,
        user=user,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        **kwargs,
    )

"""The one error type services raise. The API layer maps it to the envelope.

Services know nothing of HTTP, but a domain error does carry the status the public
contract gives it (``API.md``), so the mapping lives in one place: here.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no.

    ``code`` is the machine-readable error code of the contract (``COURSE_FULL``,
    ``ALREADY_ENROLLED`` …); ``field`` names the input at fault, if one is.
    """

    code = "CONFLICT"
    status = 409

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        data: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # Extra payload for the envelope's ``data`` (e.g. the ``mfa_token`` of an
        # MFA_REQUIRED answer); None for plain errors.
        self.data = data
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field


class NotFound(DomainError):
    code = "NOT_FOUND"
    status = 404


class PermissionDenied(DomainError):
    code = "PERMISSION_DENIED"
    status = 403


class InvalidInput(DomainError):
    code = "VALIDATION_ERROR"
    status = 400


class Conflict(DomainError):
    code = "CONFLICT"
    status = 409

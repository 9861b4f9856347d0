"""The one error type services raise. The API layer maps it to the envelope.

Services know nothing of HTTP, but a domain error does carry the status the public
contract gives it (``API.md``), so the mapping lives in one place: here.
"""

from __future__ import annotations

import contextlib


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


class ServiceUnavailable(DomainError):
    """A service the request needs (database, Redis, the task queue) did not
    answer: 503 with ``Retry-After``, never a 500."""

    code = "SERVICE_UNAVAILABLE"
    status = 503


class InsufficientStorage(DomainError):
    """The disk (or the quota) is full: 507; what was half-written is removed."""

    code = "INSUFFICIENT_STORAGE"
    status = 507


# errno values of "no space left": the disk, a quota.
_NO_SPACE = {28, 122}  # ENOSPC, EDQUOT


def outage_error(exc: BaseException) -> DomainError | None:
    """The clear error for an infrastructure failure, or ``None`` for anything else
    (a bug stays a 500 and is logged as one). A ``ServiceUnavailable`` our own code
    raised (a limit that is full for a moment, ``HashingBusy``) is returned as it
    is: callers answer it alike but log a failure only when the answer ``is not``
    the exception."""
    from django.db import InterfaceError
    from django.db import OperationalError as DatabaseOperationalError
    from kombu.exceptions import OperationalError as BrokerOperationalError

    from portal.state import REDIS_OUTAGE

    if isinstance(exc, ServiceUnavailable):
        return exc
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
        return InsufficientStorage(
            "The server's storage is full, so the upload was not kept. "
            "Try again later; the operators have been alerted."
        )
    if isinstance(exc, DatabaseOperationalError | InterfaceError):
        return ServiceUnavailable(
            "The database is unavailable for a moment. Try again shortly."
        )
    if isinstance(exc, (*REDIS_OUTAGE, BrokerOperationalError)):
        return ServiceUnavailable(
            "A service the portal needs (Redis) is unavailable. Try again shortly."
        )
    return None


RETRY_AFTER_SECONDS = 30


def retry_after_seconds(error: DomainError) -> int:
    """The ``Retry-After`` for a 503/507: the error's own ``retry_after`` (a busy
    limit that frees up in seconds, ``HashingBusy``) or ``RETRY_AFTER_SECONDS``."""
    return getattr(error, "retry_after", None) or RETRY_AFTER_SECONDS


def upload_files_release(request) -> None:
    """Close (so delete) the temporary files the upload handlers of ``request`` were
    writing: a body that filled the disk must not keep its partial copy until the
    request object is garbage-collected."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    for handler in getattr(request, "_upload_handlers", None) or ():
        partial = getattr(handler, "file", None)
        if partial is not None and hasattr(partial, "close"):
            with contextlib.suppress(OSError):
                partial.close()

"""Maps every error raised while serving the API to the envelope's error codes."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from portal.errors import (
    DomainError,
    outage_error,
    retry_after_seconds,
    upload_files_release,
)

logger = logging.getLogger("portal.api")

NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}

# DRF exception class -> (HTTP status, error code). First match wins.
_CODES: list[tuple[type[Exception], str]] = [
    (exceptions.ParseError, "VALIDATION_ERROR"),
    (exceptions.ValidationError, "VALIDATION_ERROR"),
    (exceptions.NotAuthenticated, "NOT_AUTHENTICATED"),
    (exceptions.AuthenticationFailed, "AUTHENTICATION_FAILED"),
    (exceptions.PermissionDenied, "PERMISSION_DENIED"),
    (exceptions.NotFound, "NOT_FOUND"),
    (exceptions.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (exceptions.NotAcceptable, "NOT_ACCEPTABLE"),
    (exceptions.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
    (exceptions.Throttled, "RATE_LIMITED"),
]

_STATUS_CODES = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_FAILED",
    402: "PAYMENT_REQUIRED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


def error(code: str, message: str, field: str | None = None) -> dict:
    item = {"code": code, "message": str(message)}
    if field:
        item["field"] = field
    return item


def flatten_field_errors(detail, prefix: str = "") -> list[tuple[str | None, str]]:
    """Turn DRF's nested error detail into ``(field path, message)`` pairs.

    ``{"questions": [{}, {}, {"correct": ["index out of range"]}]}`` becomes
    ``[("questions[2].correct", "index out of range")]``.
    """
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                path = prefix or None
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            pairs.extend(flatten_field_errors(value, path or ""))
        return [(p or None, m) for p, m in pairs]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [(prefix or None, str(item)) for item in detail]
        pairs = []
        for index, item in enumerate(detail):
            if item in ({}, [], None):
                continue
            if isinstance(item, dict | list):
                pairs.extend(flatten_field_errors(item, f"{prefix}[{index}]"))
            else:
                pairs.append((prefix or None, str(item)))
        return pairs
    return [(prefix or None, str(detail))]


def _code_for(exc: exceptions.APIException) -> str:
    for klass, code in _CODES:
        if isinstance(exc, klass):
            return code
    return _STATUS_CODES.get(exc.status_code, "ERROR")


def _errors_for_api_exception(exc: exceptions.APIException) -> list[dict]:
    code = _code_for(exc)
    if isinstance(exc, exceptions.ValidationError):
        pairs = flatten_field_errors(exc.detail) or [(None, "Invalid input.")]
        return [error(code, message, field) for field, message in pairs]
    if isinstance(exc, exceptions.ParseError):
        return [error(code, f"Malformed request body: {exc.detail}")]
    detail = exc.detail
    if isinstance(detail, dict):
        # simplejwt puts {"detail", "code", "messages"} here; keep the message only.
        message = detail.get("detail") or next(iter(detail.values()), "")
    elif isinstance(detail, list):
        message = "; ".join(str(d) for d in detail)
    else:
        message = detail
    return [error(code, message)]


def _django_validation_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            error(
                "VALIDATION_ERROR", message, None if field in NON_FIELD_KEYS else field
            )
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [error("VALIDATION_ERROR", message) for message in exc.messages]


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error becomes ``{"errors": [...]}`` with the
    right status; the renderer wraps it in the envelope."""
    headers = {}
    data = None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "Bad request.")

    outage = outage_error(exc)
    if outage is not None:
        if outage is not exc:  # not one of our own limits, busy for a moment
            logger.error(
                "Infrastructure failure in API view: %s",
                type(exc).__name__,
                exc_info=exc,
            )
        if outage.status == 507:
            upload_files_release(context.get("request"))
        exc = outage
        headers["Retry-After"] = str(retry_after_seconds(outage))

    if isinstance(exc, DomainError):
        status_code = exc.status
        errors = [error(exc.code, exc.message, exc.field)]
        data = exc.data
    elif isinstance(exc, DjangoValidationError):
        status_code = status.HTTP_400_BAD_REQUEST
        errors = _django_validation_errors(exc)
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        errors = _errors_for_api_exception(exc)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait) + (exc.wait % 1 > 0))
    else:
        logger.exception("Unhandled error in API view", exc_info=exc)
        status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
        errors = [error("SERVER_ERROR", "An unexpected error occurred.")]

    set_rollback()
    if status_code == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = "60"
    body = {"errors": errors}
    if data is not None:
        body["data"] = data
    return Response(body, status=status_code, headers=headers)

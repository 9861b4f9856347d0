"""SCIM's own media type and error schema (RFC 7644 §3.1, §3.12), outside the
API envelope."""

import json

import pydantic
import scim2_models as sm
from django.http import Http404
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from portal.api.parsers import SafeJSONParser
from portal.errors import DomainError

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_TYPES = {
    "invalidFilter",
    "tooMany",
    "uniqueness",
    "mutability",
    "invalidSyntax",
    "invalidPath",
    "noTarget",
    "invalidValue",
    "invalidVers",
    "sensitive",
}


class ScimJSONRenderer(BaseRenderer):
    media_type = "application/scim+json"
    format = "scim"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class ScimJSONParser(SafeJSONParser):
    media_type = "application/scim+json"


PARSERS: list[type[BaseParser]] = [ScimJSONParser, SafeJSONParser]


def error_response(status: int, detail: str, scim_type: str | None = None, **headers):
    body = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    response = Response(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _validation_detail(exc: pydantic.ValidationError) -> tuple[str, str]:
    errors = exc.errors()
    first = errors[0] if errors else {}
    error_type = str(first.get("type", ""))
    scim_type = (
        error_type.removeprefix("scim_")
        if error_type.startswith("scim_")
        else "invalidValue"
    )
    if scim_type not in SCIM_TYPES:
        scim_type = "invalidValue"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    message = first.get("msg", "Invalid value.")
    return (f"{where}: {message}" if where else message), scim_type


def exception_response(exc: Exception) -> Response | None:
    """The SCIM error of an exception, or None to let it propagate (a 500)."""
    if isinstance(exc, sm.SCIMException):
        error = exc.to_error()
        return error_response(
            int(error.status), error.detail or str(exc), error.scim_type
        )
    if isinstance(exc, pydantic.ValidationError):
        detail, scim_type = _validation_detail(exc)
        return error_response(400, detail, scim_type)
    if isinstance(exc, DomainError):
        scim_type = exc.code if exc.code in SCIM_TYPES else None
        if scim_type is None and exc.status == 400:
            scim_type = "invalidValue"
        detail = f"{exc.field}: {exc.message}" if exc.field else exc.message
        return error_response(exc.status, detail, scim_type)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(404, "Resource not found.")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return error_response(
            401, str(exc.detail), WWW_Authenticate='Bearer realm="scim"'
        )
    if isinstance(exc, exceptions.Throttled):
        return error_response(
            429,
            "Too many failed attempts; try later.",
            Retry_After=str(int(exc.wait or 60)),
        )
    if isinstance(exc, exceptions.ParseError):
        return error_response(400, str(exc.detail), "invalidSyntax")
    if isinstance(exc, exceptions.ValidationError):
        return error_response(400, "The request body is not valid.", "invalidSyntax")
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
        return error_response(exc.status_code, str(detail))
    return None

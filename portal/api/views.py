"""API-wide views: the enveloped 404 for unknown paths and Django-level error
handlers that answer API clients in the envelope too."""

from django.http import JsonResponse
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from .exceptions import error
from .renderers import build_envelope


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    """Any path under /api/ that no route matched, whatever the method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def _not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound("No API endpoint at this path.")

    get = post = put = patch = delete = options = _not_found

    @property
    def default_response_headers(self):
        # Nothing lives here, so no method is allowed: DRF would advertise them all.
        headers = super().default_response_headers
        headers.pop("Allow", None)
        return headers


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    body = build_envelope(
        {"errors": [error(code, message)]}, status_code=status, meta=None
    )
    return JsonResponse(body, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json_error(400, "VALIDATION_ERROR", "Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json_error(403, "PERMISSION_DENIED", "Permission denied.")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json_error(404, "NOT_FOUND", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error(500, "SERVER_ERROR", "An unexpected error occurred.")
    return defaults.server_error(request)

"""API-wide views: the enveloped 404 for unknown paths and Django-level error
handlers that answer API clients in the envelope too."""

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
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


def api_error(*, status: int, code: str, message: str) -> JsonResponse:
    """An error in the envelope, for code that answers before DRF does (Django's
    error handlers, middleware)."""
    body = build_envelope(
        {"errors": [error(code, message)]}, status_code=status, meta=None
    )
    return JsonResponse(body, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return api_error(status=400, code="VALIDATION_ERROR", message="Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return api_error(
            status=403, code="PERMISSION_DENIED", message="Permission denied."
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return api_error(status=404, code="NOT_FOUND", message="Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return api_error(
            status=500, code="SERVER_ERROR", message="An unexpected error occurred."
        )
    # No request context: the context processors or the database may be what broke.
    html = loader.get_template("500.html").render(
        {"site_name": settings.WAGTAIL_SITE_NAME}
    )
    return HttpResponseServerError(html)

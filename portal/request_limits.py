"""How large a request body may be, decided from its headers before anything reads it.

Every request may carry ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (JSON, forms); the
endpoints that take files add the largest file they accept. The check runs before the
CSRF middleware, authentication or the view touch the body, so an anonymous 30 MB post
to the sign-in endpoint is refused without being read. Nginx applies the same split
(docker/nginx.conf), so an oversized body rarely reaches the portal at all.
"""

import re

from django.conf import settings
from django.http import HttpResponse

from portal.api.views import api_error

MB = 1024 * 1024

_VIDEO_UPLOADS = re.compile(r"^/(api/v1/videos/?$|cms/videos/)")
_CAPTION_UPLOADS = re.compile(r"^/api/v1/videos/\d+/captions(/[^/]+)?/?$")
_DOCUMENT_UPLOADS = re.compile(r"^/cms/documents/")
_IMAGE_UPLOADS = re.compile(r"^/cms/images/")
_BULK_ENROLLMENT_UPLOADS = re.compile(
    r"^/(api/v1/organizations/\d+/enrollments/?|organizations/[-\w]+/upload/)$"
)
_SKILLBRIDGE_UPLOADS = re.compile(
    r"^/api/v1/skillbridge/cohorts/\d+/participants/\d+/approval-document/?$"
)


def upload_allowance(path: str) -> int:
    """Bytes of file a request to ``path`` may carry on top of the form or JSON
    limit; 0 for every endpoint that takes no file. Read per request, so that a
    changed setting applies at once."""
    if _VIDEO_UPLOADS.match(path):
        return settings.VIDEO_MAX_UPLOAD_MB * MB
    if _CAPTION_UPLOADS.match(path):
        return settings.CAPTION_MAX_BYTES
    if _DOCUMENT_UPLOADS.match(path):
        return settings.DOCUMENT_MAX_UPLOAD_MB * MB
    if _IMAGE_UPLOADS.match(path):
        return settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    if _BULK_ENROLLMENT_UPLOADS.match(path):
        return settings.BULK_ENROLLMENT_MAX_BYTES
    if _SKILLBRIDGE_UPLOADS.match(path):
        return settings.SKILLBRIDGE_DOCUMENT_MAX_BYTES
    return 0


def body_limit(path: str) -> int:
    """The largest body, in bytes, a request to ``path`` may send."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + upload_allowance(path)


def _refusal(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return api_error(status=status, code=code, message=message)
    return HttpResponse(message, status=status, content_type="text/plain")


class RequestBodyLimitMiddleware:
    """Answers 413 to a declared length over the path's limit and 411 to a body sent
    without a length (chunked): Django reads such a body as empty, and a limit that
    cannot be checked before reading is no limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return _refusal(
                    request,
                    411,
                    "LENGTH_REQUIRED",
                    "A request body must declare its Content-Length.",
                )
            return self.get_response(request)
        if not declared.isdigit():
            return _refusal(
                request, 400, "VALIDATION_ERROR", "Content-Length is not a number."
            )
        limit = body_limit(request.path)
        if int(declared) > limit:
            return _refusal(
                request,
                413,
                "PAYLOAD_TOO_LARGE",
                f"The request body is over this endpoint's limit of {limit} bytes.",
            )
        return self.get_response(request)

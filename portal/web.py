"""Helpers for server-rendered views (the API maps errors through its own handler)."""

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from portal.errors import DomainError

logger = logging.getLogger(__name__)


def domain_errors_as_http(view):
    """Let a page view call selectors and services that raise ``DomainError``: not
    found becomes Django's 404 page and permission denied its 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from None
            if error.status == 403:
                raise DjangoPermissionDenied(error.message) from None
            raise

    return wrapper


class OutageMiddleware:
    """Pages and the admins answer an infrastructure failure (database or Redis
    down, a full disk) with a clear 503/507 page and ``Retry-After`` instead of a
    500, as they do a limit of the portal's own that is full for a moment (a
    ``ServiceUnavailable`` such as ``HashingBusy`` at sign-in, not logged as a
    failure); the API does the same in its exception handler. A bug stays a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from portal.api.views import api_error
        from portal.errors import (
            outage_error,
            retry_after_seconds,
            upload_files_release,
        )

        outage = outage_error(exception)
        if outage is None:
            return None
        if outage.status == 507:
            upload_files_release(request)
        if outage is not exception:  # not one of our own limits, busy for a moment
            logger.error(
                "Infrastructure failure: %s",
                type(exception).__name__,
                exc_info=exception,
            )
        if request.path.startswith("/api/"):
            response = api_error(
                status=outage.status, code=outage.code, message=outage.message
            )
        else:
            try:
                response = render(
                    request,
                    "503.html",
                    {"message": outage.message},
                    status=outage.status,
                )
            except Exception:  # the template needs what is down: plain text
                from django.http import HttpResponse

                response = HttpResponse(
                    outage.message, status=outage.status, content_type="text/plain"
                )
        response["Retry-After"] = str(retry_after_seconds(outage))
        return response

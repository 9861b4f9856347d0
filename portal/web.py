"""Helpers for server-rendered views (the API maps errors through its own handler)."""

from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from portal.errors import DomainError


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

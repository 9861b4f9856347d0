"""The portal's URLs plus ``/bench/bare/``: a view that does nothing, so the
benchmark can print each endpoint's cost as a multiple of Django's own."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import *  # noqa: F403
from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]

"""The site's URLs plus a stand-in for a non-essential (analytics) script, which
counts its runs in ``window.analyticsRuns``. Same origin, as the CSP requires."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

SCRIPT_URL = "/test-analytics.js"


def analytics_script(request):
    return HttpResponse(
        "window.analyticsRuns = (window.analyticsRuns || 0) + 1;",
        content_type="application/javascript",
    )


urlpatterns = [path(SCRIPT_URL.lstrip("/"), analytics_script), *portal_urlpatterns]

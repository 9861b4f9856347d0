"""A URLconf with a view that fails, for the 5xx counter (tests only)."""

from django.urls import path

from portal.metrics.views import metrics


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/", boom, name="boom"),
    path("metrics", metrics, name="metrics"),
]

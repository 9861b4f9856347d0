"""Routes under /api/v1/. Each app adds its own ``api_urls`` module here."""

from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    # The schema is offered as YAML and JSON (?format=json or Accept), so it keeps
    # DRF's normal negotiation instead of the API's JSON-only one.
    content_negotiation_class = DefaultContentNegotiation
    permission_classes = [AllowAny]
    authentication_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    # The split view serves Swagger UI's start-up script as a file (?script), so the
    # page keeps the Content-Security-Policy without inline script (portal/csp.py).
    permission_classes = [AllowAny]
    authentication_classes: list = []


urlpatterns = [
    re_path(r"^schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", DocsView.as_view(url_name="api:schema"), name="docs"),
]

app_name = "api"

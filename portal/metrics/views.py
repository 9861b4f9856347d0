from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client.exposition import choose_encoder

from portal.proxies import client_ip

from .access import metrics_reader_allowed
from .registry import scrape_registry


@never_cache
@require_safe
def metrics(request):
    """``GET /metrics``: Prometheus' text format (OpenMetrics when asked), 403
    unless the caller holds ``METRICS_TOKEN`` or comes from
    ``METRICS_ALLOWED_NETWORKS`` (the address as ``portal.proxies`` sees it)."""
    if not metrics_reader_allowed(
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        address=client_ip(request),
    ):
        return HttpResponseForbidden(b"Forbidden\n", content_type="text/plain")
    encoder, content_type = choose_encoder(request.META.get("HTTP_ACCEPT", ""))
    return HttpResponse(encoder(scrape_registry()), content_type=content_type)

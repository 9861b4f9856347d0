from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .checks import run_checks


@never_cache
@require_safe
def health(request):
    """``GET /health/``: 200 when every check passes, 503 otherwise (API.md)."""
    checks = run_checks()
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "checks": checks,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
    }
    return JsonResponse(body, status=200 if healthy else 503)

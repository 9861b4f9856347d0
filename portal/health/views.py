import secrets

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.exceptions import APIException

from portal.accounts.api.authentication import PortalJWTAuthentication
from portal.accounts.permissions import is_admin

from .checks import run_checks


def _may_see_errors(request) -> bool:
    """Dependency error strings name hosts, ports and versions: an attacker's map of
    the back end. Only admins (session or JWT) and monitors holding ``HEALTH_TOKEN``
    see them; everyone else gets each check's status."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    token = settings.HEALTH_TOKEN
    if token and scheme == "Bearer" and secrets.compare_digest(credential, token):
        return True
    if is_admin(request.user):
        return True
    try:
        authenticated = PortalJWTAuthentication().authenticate(request)
    except APIException:
        return False
    return authenticated is not None and is_admin(authenticated[0])


@never_cache
@require_safe
def health(request):
    """``GET /health/``: 200 when every check passes, 503 otherwise (API.md)."""
    checks = run_checks()
    if not _may_see_errors(request):
        for check in checks.values():
            check.pop("error", None)
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "checks": checks,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
    }
    return JsonResponse(body, status=200 if healthy else 503)

"""The unsubscribe link of optional e-mails: GET asks, POST applies (also the
one-click POST mail clients send, RFC 8058, which carries no CSRF token)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .events import EVENTS
from .selectors import unsubscribe_token_read
from .services import unsubscribe


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    read = unsubscribe_token_read(token)
    if read is None or not EVENTS[read[1]].optional:
        return render(
            request, "notifications/unsubscribe.html", {"invalid": True}, status=404
        )
    label = EVENTS[read[1]].label
    if request.method == "POST":
        unsubscribe(token=token)
        return render(
            request, "notifications/unsubscribe.html", {"done": True, "label": label}
        )
    return render(request, "notifications/unsubscribe.html", {"label": label})

"""The proctoring review screen in the Wagtail admin ("Proctoring" menu item).

Instructors see the flagged attempts of the courses they teach, admins every
flagged attempt; each attempt opens on its event timeline with an "Invalidate" form
and, while it is in progress, a "Reset session" form (a confirmation page comes
first). The views only read through the selectors and write through
``attempt_invalidate`` and ``proctor_session_reset``, the same services as the API.
Registered by ``assessments/wagtail_hooks.py``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.menu import MenuItem

from portal.accounts.permissions import has_permission, is_admin
from portal.audit.services import request_metadata
from portal.errors import DomainError, NotFound
from portal.errors import PermissionDenied as ServicePermissionDenied

from ..models import AttemptStatus, ProctorEventKind
from ..services import proctoring

ATTEMPTS_PER_PAGE = 50
EVENTS_PER_PAGE = 100


def may_review(user) -> bool:
    """Instructors (who grade their courses) and admins use the review screen."""
    return is_admin(user) or has_permission(user, "assessment:grade")


def _denied(request, message=None):
    context = {
        "page_title": _("Proctoring"),
        "header_icon": "warning",
        "denied": message
        or _("Only instructors and admins review proctored attempts."),
    }
    return TemplateResponse(
        request, "assessments/admin/proctoring_denied.html", context, status=403
    )


def _page(request, items, per_page):
    return Paginator(items, per_page).get_page(request.GET.get("p"))


@require_GET
def proctoring_index(request):
    if not may_review(request.user):
        return _denied(request)
    page = _page(
        request, proctoring.flagged_attempt_list(actor=request.user), ATTEMPTS_PER_PAGE
    )
    attempts = list(page.object_list)
    counts = proctoring.proctor_event_counts(attempt_ids=[a.pk for a in attempts])
    kinds = list(ProctorEventKind)
    rows = [
        {
            "attempt": attempt,
            "counts": [(kind.label, counts[attempt.pk][kind]) for kind in kinds],
        }
        for attempt in attempts
    ]
    return TemplateResponse(
        request,
        "assessments/admin/proctoring_index.html",
        {
            "page_title": _("Proctoring"),
            "page_subtitle": _("Flagged attempts"),
            "header_icon": "warning",
            "rows": rows,
            "page_obj": page,
        },
    )


def _attempt_or_refuse(request, attempt_id):
    """The attempt, or the response refusing it: 404 for attempts the user may not
    see (their existence is private), 403 for the learner's own."""
    if not may_review(request.user):
        return None, _denied(request)
    try:
        attempt = proctoring.proctoring_attempt_get(
            actor=request.user, attempt_id=attempt_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ServicePermissionDenied as exc:
        return None, _denied(request, exc.message)
    return attempt, None


@require_GET
def proctoring_attempt(request, attempt_id: int):
    attempt, refusal = _attempt_or_refuse(request, attempt_id)
    if refusal is not None:
        return refusal
    events = _page(
        request,
        proctoring.attempt_events(attempt=attempt),
        EVENTS_PER_PAGE,
    )
    sessions = attempt.proctor_sessions.order_by("created_at", "pk")
    return TemplateResponse(
        request,
        "assessments/admin/proctoring_attempt.html",
        {
            "page_title": _("Proctored attempt"),
            "page_subtitle": f"{attempt.assessment.title}: {attempt.user.email} "
            f"#{attempt.attempt_number}",
            "header_icon": "warning",
            "attempt": attempt,
            "course": attempt.assessment.course,
            "sessions": sessions,
            "page_obj": events,
            "may_invalidate": attempt.status != AttemptStatus.INVALIDATED,
            "may_reset": attempt.status == AttemptStatus.IN_PROGRESS
            and attempt.assessment.proctored,
            "max_reason_length": proctoring.MAX_REASON_LENGTH,
            "index_url": reverse("assessments_proctoring"),
        },
    )


@require_POST
def proctoring_invalidate(request, attempt_id: int):
    attempt, refusal = _attempt_or_refuse(request, attempt_id)
    if refusal is not None:
        return refusal
    meta = request_metadata(request=request)
    try:
        result = proctoring.attempt_invalidate(
            actor=request.user,
            attempt_id=attempt.pk,
            reason=request.POST.get("reason", ""),
            client=proctoring.ClientInfo.of(meta["ip_address"], meta["user_agent"]),
        )
    except ServicePermissionDenied as exc:
        return _denied(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        message = _("Attempt #%(number)s of %(learner)s is invalidated.") % {
            "number": attempt.attempt_number,
            "learner": attempt.user.email,
        }
        if result.certificate_revoked:
            message += " " + _(
                "The module and course completion it earned are taken back and the "
                "certificate is revoked."
            )
        elif result.revoked.enrollment_reopened:
            message += " " + _(
                "The module and course completion it earned are taken back."
            )
        elif result.completion_revoked:
            message += " " + _("The module completion it earned is taken back.")
        messages.success(request, message)
    return redirect("assessments_proctoring_attempt", attempt_id=attempt.pk)


@require_POST
def proctoring_reset(request, attempt_id: int):
    """First POST (from the attempt screen, with the reason): the confirmation page.
    Second POST (``confirm``): reset the session."""
    attempt, refusal = _attempt_or_refuse(request, attempt_id)
    if refusal is not None:
        return refusal
    reason = request.POST.get("reason", "")
    if not request.POST.get("confirm"):
        return TemplateResponse(
            request,
            "assessments/admin/proctoring_reset_confirm.html",
            {
                "page_title": _("Reset the proctoring session"),
                "page_subtitle": f"{attempt.assessment.title}: {attempt.user.email} "
                f"#{attempt.attempt_number}",
                "header_icon": "warning",
                "attempt": attempt,
                "reason": reason,
                "max_reason_length": proctoring.MAX_REASON_LENGTH,
                "cancel_url": reverse(
                    "assessments_proctoring_attempt", args=[attempt.pk]
                ),
            },
        )
    meta = request_metadata(request=request)
    try:
        proctoring.proctor_session_reset(
            actor=request.user,
            attempt_id=attempt.pk,
            reason=reason,
            client=proctoring.ClientInfo.of(meta["ip_address"], meta["user_agent"]),
        )
    except ServicePermissionDenied as exc:
        return _denied(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The proctoring session of attempt #%(number)s of %(learner)s is "
                "reset: the learner can resume the exam in a new browser."
            )
            % {"number": attempt.attempt_number, "learner": attempt.user.email},
        )
    return redirect("assessments_proctoring_attempt", attempt_id=attempt.pk)


def admin_urls():
    return [
        path("proctoring/", proctoring_index, name="assessments_proctoring"),
        path(
            "proctoring/attempts/<int:attempt_id>/",
            proctoring_attempt,
            name="assessments_proctoring_attempt",
        ),
        path(
            "proctoring/attempts/<int:attempt_id>/invalidate/",
            proctoring_invalidate,
            name="assessments_proctoring_invalidate",
        ),
        path(
            "proctoring/attempts/<int:attempt_id>/reset/",
            proctoring_reset,
            name="assessments_proctoring_reset",
        ),
    ]


class ProctoringMenuItem(MenuItem):
    def is_shown(self, request):
        return may_review(request.user)


def menu_item() -> MenuItem:
    return ProctoringMenuItem(
        gettext_lazy("Proctoring"),
        reverse("assessments_proctoring"),
        name="proctoring",
        icon_name="warning",
        order=270,
    )

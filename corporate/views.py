"""The representative's portal (rendered pages): dashboard with a chart, members,
seats, invitations, bulk upload with live job progress and report downloads; and
the invitation link. Session-authenticated; the same selectors and services as the
API, so the same organization scoping (another organization is a 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from content.models import CoursePage
from portal.errors import DomainError
from portal.jobs.selectors import job_get_visible
from portal.web import domain_errors_as_http

from . import selectors, services
from .models import Invitation, OrganizationMembership

Membership = OrganizationMembership

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 220, 32


def _organization(request, slug: str):
    return selectors.organization_get_by_slug(actor=request.user, slug=slug)


def _page(request, template: str, organization, **context):
    return render(
        request,
        f"corporate/{template}",
        {"organization": organization, "section": template.split(".")[0], **context},
    )


@login_required
@domain_errors_as_http
def organization_index(request):
    organizations = list(selectors.organization_list(actor=request.user)[:50])
    if len(organizations) == 1:
        return HttpResponseRedirect(
            reverse("organization-dashboard", args=[organizations[0].slug])
        )
    return render(request, "corporate/index.html", {"organizations": organizations})


def progress_chart(series: list[dict]) -> dict:
    """Polyline points of enrollments and completions per week, scaled to the
    chart's box (an SVG drawn on the server: no script, nothing from a CDN)."""
    top = max([1] + [max(p["enrolled"], p["completed"]) for p in series])
    inner_w = CHART_WIDTH - 2 * CHART_PAD
    inner_h = CHART_HEIGHT - 2 * CHART_PAD
    step = inner_w / max(len(series) - 1, 1)

    def points(key: str) -> str:
        return " ".join(
            f"{CHART_PAD + i * step:.1f},"
            f"{CHART_HEIGHT - CHART_PAD - p[key] / top * inner_h:.1f}"
            for i, p in enumerate(series)
        )

    labels = [
        {"x": f"{CHART_PAD + i * step:.1f}", "text": p["week"].strftime("%d %b")}
        for i, p in enumerate(series)
        if i % 3 == 0
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "baseline": CHART_HEIGHT - CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "top": top,
        "enrolled": points("enrolled"),
        "completed": points("completed"),
        "labels": labels,
        "series": series,
    }


@login_required
@domain_errors_as_http
def dashboard(request, slug: str):
    organization = _organization(request, slug)
    membership = (
        Membership.objects.current()
        .filter(
            organization=organization,
            user=request.user,
            role=Membership.Role.REPRESENTATIVE,
        )
        .first()
    )
    return _page(
        request,
        "dashboard.html",
        organization,
        summary=selectors.organization_summary(organization=organization),
        chart=progress_chart(selectors.progress_over_time(organization=organization)),
        representative=membership,
    )


@login_required
@require_POST
@domain_errors_as_http
def weekly_report_toggle(request, slug: str):
    organization = _organization(request, slug)
    wanted = request.POST.get("weekly_report") == "on"
    services.representative_preferences_set(
        actor=request.user, organization=organization, weekly_report=wanted
    )
    messages.success(
        request,
        _("You will get a weekly report by e-mail.")
        if wanted
        else _("Weekly reports are off."),
    )
    return HttpResponseRedirect(reverse("organization-dashboard", args=[slug]))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def members(request, slug: str):
    organization = _organization(request, slug)
    if request.method == "POST":
        return _members_post(request, organization)
    q = request.GET.get("q", "")[:100]
    progress = request.GET.get("progress", "")
    if progress not in ("", "not_started", "in_progress", "completed"):
        progress = ""
    rows = list(
        selectors.member_list(organization=organization, q=q, progress=progress)[:500]
    )
    return _page(
        request, "members.html", organization, members=rows, q=q, progress=progress
    )


def _members_post(request, organization):
    back = HttpResponseRedirect(
        reverse("organization-members", args=[organization.slug])
    )
    remove = request.POST.get("remove")
    try:
        if remove:
            membership = selectors.member_get(
                organization=organization, user_id=int(remove)
            )
            if membership.role != Membership.Role.MEMBER:
                messages.error(
                    request, _("Only administrators remove representatives.")
                )
                return back
            services.organization_member_remove(
                membership=membership, actor=request.user
            )
            messages.success(
                request, _("%(email)s was removed.") % {"email": membership.user.email}
            )
            return back
        email = request.POST.get("email", "").strip()
        validate_email(email)
        added = services.member_add_or_invite(
            actor=request.user,
            organization=organization,
            email=email,
            first_name=request.POST.get("first_name", "")[:150],
            last_name=request.POST.get("last_name", "")[:150],
        )
    except ValidationError:
        messages.error(request, _("Enter a valid e-mail address."))
        return back
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("Invalid request.")))
        return back
    if isinstance(added, Invitation):
        messages.success(
            request, _("An invitation was sent to %(email)s.") % {"email": email}
        )
    else:
        messages.success(request, _("%(email)s is now a member.") % {"email": email})
    return back


@login_required
@domain_errors_as_http
def seats(request, slug: str):
    organization = _organization(request, slug)
    pools = list(selectors.seat_pool_list(organization=organization))
    for pool in pools:
        pool.available = max(pool.quantity - pool.used, 0)
        pool.percent = round(100 * pool.used / pool.quantity) if pool.quantity else 0
    return _page(request, "seats.html", organization, pools=pools)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def invitations(request, slug: str):
    organization = _organization(request, slug)
    if request.method == "POST":
        invitation = (
            selectors.invitation_list(organization=organization)
            .filter(pk=request.POST.get("revoke") or 0)
            .first()
        )
        if invitation is not None:
            services.invitation_revoke(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation was withdrawn."))
        return HttpResponseRedirect(reverse("organization-invitations", args=[slug]))
    return _page(
        request,
        "invitations.html",
        organization,
        invitations=selectors.invitation_list(organization=organization),
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def upload(request, slug: str):
    organization = _organization(request, slug)
    courses = CoursePage.objects.filter(
        pk__in=selectors.seat_pool_list(organization=organization).values("course_id")
    ).order_by("title")
    error = ""
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        course_id = request.POST.get("course_id", "")
        try:
            if upload_file is None:
                raise DomainError(_("Choose a CSV file."), field="file")
            if upload_file.size > settings.BULK_ENROLLMENT_MAX_BYTES:
                raise DomainError(_("The file is too large."), field="file")
            rows = services.bulk_rows_from_csv(
                raw=upload_file.read(),
                default_course_id=int(course_id) if course_id.isdigit() else None,
            )
            job = services.bulk_enrollment_start(
                actor=request.user, organization=organization, rows=rows
            )
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(
                reverse("organization-job", args=[slug, job.pk])
            )
    return _page(request, "upload.html", organization, courses=courses, error=error)


@login_required
@domain_errors_as_http
def job_detail(request, slug: str, job_id: int):
    organization = _organization(request, slug)
    job = job_get_visible(actor=request.user, job_id=job_id)
    return _page(request, "job.html", organization, job=job)


@login_required
@domain_errors_as_http
def reports(request, slug: str):
    organization = _organization(request, slug)
    return _page(request, "reports.html", organization)


@login_required
@domain_errors_as_http
def report_download(request, slug: str, file_format: str):
    organization = _organization(request, slug)
    if file_format not in services.FORMATS:
        raise Http404(_("Unknown format."))
    if services.report_is_large(organization=organization):
        job = services.report_job_start(
            actor=request.user, organization=organization, file_format=file_format
        )
        return HttpResponseRedirect(reverse("organization-job", args=[slug, job.pk]))
    response = HttpResponse(
        services.report_file_build(organization=organization, file_format=file_format),
        content_type=services.FORMATS[file_format],
    )
    name = services.report_file_name(organization=organization, file_format=file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@domain_errors_as_http
def organization_leave(request, organization_id: int):
    """A member leaves an organization from her profile page."""
    membership = services.organization_leave(
        actor=request.user, organization_id=organization_id
    )
    messages.success(
        request,
        _("You left %(name)s. Its representatives no longer see your progress.")
        % {"name": membership.organization.name},
    )
    return HttpResponseRedirect(reverse("account-profile"))


@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def invitation_accept(request, token: str):
    """The invitation link: a signed-in person joins with her account; anyone else
    creates one with the invited address (or signs in first)."""
    invitation = services.invitation_get_open(token=token)
    has_account = _account_exists(invitation.email)
    error = ""
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(token=token, user=request.user)
            elif not has_account:
                user = services.invitation_accept_with_account(
                    token=token,
                    password=request.POST.get("password", ""),
                    first_name=request.POST.get("first_name", "")[:150],
                    last_name=request.POST.get("last_name", "")[:150],
                )
                login(
                    request, user, backend="django.contrib.auth.backends.ModelBackend"
                )
            else:
                return HttpResponseRedirect(
                    f"{reverse('account_login')}?next={request.path}"
                )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Welcome to %(name)s.") % {"name": invitation.organization.name},
            )
            return HttpResponseRedirect(reverse("my-learning"))
    return render(
        request,
        "corporate/invitation.html",
        {"invitation": invitation, "has_account": has_account, "error": error},
    )


def _account_exists(email: str) -> bool:
    from portal.accounts.models import User

    return User.objects.filter(email__iexact=email).exists()

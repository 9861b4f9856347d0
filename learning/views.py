"""Learner-facing pages: enroll, mark a module complete, "My learning", certificates
and the public verification page. Session-authenticated; the same services as the
API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from content.models import CoursePage, ModulePage
from portal.errors import DomainError
from portal.web import domain_errors_as_http

from . import selectors, services
from .services.certificates import (
    certificate_pdf_response,
    certificate_verify,
    verification_url,
)


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


@login_required
@require_POST
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id, live=True)
    try:
        services.enrollment_create(actor=request.user, course_id=course.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(course.url)
    messages.success(
        request, _("You are enrolled. Welcome to %(title)s!") % {"title": course.title}
    )
    first = ModulePage.objects.child_of(course).live().first()
    return HttpResponseRedirect(first.url if first else course.url)


@login_required
@require_POST
def complete_module(request, module_id: int):
    module = get_object_or_404(ModulePage, pk=module_id, live=True)
    course = module.get_parent()
    completed = request.POST.get("completed", "true") != "false"
    try:
        result = services.module_progress_record(
            actor=request.user,
            course_id=course.pk,
            module_id=module.pk,
            completed=completed,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(module.url)
    if result.course_completed_now:
        messages.success(
            request,
            _("Course complete! Your certificate is being prepared on “My learning”."),
        )
    return _back(request, module.url)


@login_required
@require_safe
def my_learning(request):
    enrollments = list(selectors.dashboard_enrollments(user=request.user))
    certificates = selectors.certificate_list_for_user(
        actor=request.user, user_id=request.user.pk
    ).select_related("course")
    return render(
        request,
        "learning/my_learning.html",
        {"enrollments": enrollments, "certificates": certificates},
    )


@login_required
@require_safe
@domain_errors_as_http
def certificate_detail(request, certificate_id: int):
    certificate = selectors.certificate_get_visible(
        actor=request.user, certificate_id=certificate_id
    )
    return render(
        request,
        "learning/certificate_detail.html",
        {
            "certificate": certificate,
            "verification_url": verification_url(certificate=certificate),
        },
    )


@login_required
@require_safe
@domain_errors_as_http
def certificate_download(request, certificate_id: int):
    certificate = selectors.certificate_get_downloadable(
        actor=request.user, certificate_id=certificate_id
    )
    return certificate_pdf_response(certificate=certificate)


@require_safe
def certificate_verify_page(request, number: str):
    result = certificate_verify(number=number)
    return render(
        request,
        "learning/certificate_verify.html",
        {"result": result, "certificate": result.certificate, "number": number[:40]},
        status=200 if result.found else 404,
    )

"""Rendered pages: the mentor portal (mentees, a mentee's detail, upcoming sessions,
the availability editor), the learner's mentoring page (book, sessions, shared
notes, reviews, requests), a session's page for both people, and the private
calendar feed. The same services and selectors as the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learning.analytics import user_analytics_get
from learning.selectors import certificate_list_for_user
from portal.errors import DomainError
from portal.web import domain_errors_as_http

from . import selectors, services
from .calendar import ICS_MIMETYPE, feed_ics, session_ics
from .models import SessionStatus


def _mentor_only(request) -> None:
    if not selectors.acts_as_mentor(request.user):
        raise DjangoPermissionDenied(_("This page is for mentors."))


def _redirect_with_error(request, error: DomainError, target: str):
    messages.error(request, error.message)
    return HttpResponseRedirect(target)


def _zone_context(request) -> dict:
    """Templates show times in the viewer's zone (``{% timezone viewer_zone %}``)."""
    return {"viewer_zone": selectors.user_time_zone(user=request.user).key}


# --- Mentor portal -------------------------------------------------------------------


@login_required
@require_safe
def mentor_portal(request):
    _mentor_only(request)
    context = _zone_context(request)
    mentees = selectors.mentees_for_portal(mentor=request.user)
    sessions = selectors.session_list(
        actor=request.user, upcoming=True, status=SessionStatus.BOOKED
    ).filter(mentor=request.user)[:20]
    return render(
        request,
        "mentorship/mentor_portal.html",
        {
            **context,
            "mentees": mentees,
            "sessions": sessions,
            "activity": selectors.recent_activity(mentor=request.user),
        },
    )


@login_required
@require_safe
@domain_errors_as_http
def mentee_detail(request, mentee_id: int):
    _mentor_only(request)
    assignment = selectors.mentee_get_for_mentor(
        actor=request.user, mentee_id=mentee_id
    )
    context = _zone_context(request)
    analytics = user_analytics_get(actor=request.user, user_id=mentee_id)
    certificates = certificate_list_for_user(actor=request.user, user_id=mentee_id)
    sessions = (
        selectors.session_list(actor=request.user)
        .filter(mentee_id=mentee_id, mentor=request.user)
        .order_by("-start")[:20]
    )
    return render(
        request,
        "mentorship/mentee_detail.html",
        {
            **context,
            "assignment": assignment,
            "mentee": assignment.mentee,
            "analytics": analytics,
            "certificates": certificates,
            "sessions": sessions,
            "reviews": selectors.review_list(actor=request.user, assignment=assignment),
        },
    )


@login_required
@require_POST
@domain_errors_as_http
def review_create(request, mentee_id: int):
    _mentor_only(request)
    assignment = selectors.mentee_get_for_mentor(
        actor=request.user, mentee_id=mentee_id
    )
    target = reverse("mentor-mentee", args=[mentee_id])
    try:
        services.review_create(
            actor=request.user,
            assignment=assignment,
            summary=request.POST.get("summary", "")[:10_000],
            goals=request.POST.get("goals", "")[:10_000],
            next_steps=request.POST.get("next_steps", "")[:10_000],
        )
    except DomainError as error:
        return _redirect_with_error(request, error, target)
    messages.success(request, _("Review published."))
    return HttpResponseRedirect(target)


def _parse_local(date_text: str, time_text: str, zone) -> datetime | None:
    try:
        naive = datetime.strptime(f"{date_text} {time_text}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return naive.replace(tzinfo=zone)


@login_required
def availability(request):
    _mentor_only(request)
    context = _zone_context(request)
    target = reverse("mentor-availability")
    if request.method == "POST":
        zone = selectors.user_time_zone(user=request.user)
        start = _parse_local(
            request.POST.get("date", ""), request.POST.get("time", ""), zone
        )
        try:
            minutes = int(request.POST.get("duration", "60"))
            weeks = int(request.POST.get("repeat_weeks", "1"))
        except ValueError:
            minutes, weeks = 0, 0
        if start is None or minutes <= 0:
            messages.error(request, _("Give a date, a time and a duration."))
            return HttpResponseRedirect(target)
        try:
            slots = services.slot_create(
                actor=request.user,
                start=start,
                end=start + timedelta(minutes=minutes),
                repeat_weeks=weeks,
                time_zone=zone.key,
            )
        except DomainError as error:
            return _redirect_with_error(request, error, target)
        messages.success(request, _("%(n)d slot(s) published.") % {"n": len(slots)})
        return HttpResponseRedirect(target)
    return render(
        request,
        "mentorship/availability.html",
        {
            **context,
            "slots": selectors.slot_list_for_mentor(mentor=request.user),
            "time_zones": selectors.time_zone_names(),
        },
    )


@login_required
@require_POST
def slot_delete(request, slot_id: int):
    _mentor_only(request)
    target = reverse("mentor-availability")
    try:
        services.slot_delete(actor=request.user, slot_id=slot_id)
    except DomainError as error:
        return _redirect_with_error(request, error, target)
    messages.success(request, _("Slot withdrawn."))
    return HttpResponseRedirect(target)


# --- The learner's side --------------------------------------------------------------


@login_required
@require_safe
def mentoring_home(request):
    context = _zone_context(request)
    mentorships = list(
        selectors.mentorship_list(actor=request.user, active=True).filter(
            mentee=request.user
        )
    )
    for mentorship in mentorships:
        mentorship.free_slots = list(
            selectors.slot_free_list(
                actor=request.user,
                mentor_id=mentorship.mentor_id,
                end=timezone.now() + timedelta(days=60),
            )[:30]
        )
    profile = services.profile_ensure(user=request.user)
    return render(
        request,
        "mentorship/mentoring_home.html",
        {
            **context,
            "mentorships": mentorships,
            "sessions": selectors.session_list(actor=request.user, upcoming=True),
            "past_sessions": selectors.session_list(
                actor=request.user, upcoming=False
            ).order_by("-start")[:20],
            "shared_notes": selectors.shared_notes_for_mentee(mentee=request.user)[:50],
            "reviews": selectors.review_list_for_mentee(mentee=request.user),
            "open_request": selectors.mentor_request_open_get(learner=request.user),
            "feed_url": request.build_absolute_uri(
                reverse("mentoring-feed", kwargs={"token": profile.calendar_token})
            ),
            "time_zones": selectors.time_zone_names(),
        },
    )


@login_required
@require_POST
def book(request):
    target = reverse("mentoring-home")
    try:
        slot_id = int(request.POST.get("slot_id", ""))
    except ValueError:
        raise Http404 from None
    try:
        session = services.session_book(
            actor=request.user,
            slot_id=slot_id,
            topic=request.POST.get("topic", "")[:500],
        )
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        return _redirect_with_error(request, error, target)
    messages.success(
        request,
        _("Booked. The invitation is on its way to your e-mail."),
    )
    return HttpResponseRedirect(reverse("mentoring-session", args=[session.pk]))


@login_required
@require_POST
def request_mentor(request):
    target = reverse("mentoring-home")
    try:
        services.mentor_request_create(
            actor=request.user, message=request.POST.get("message", "")[:2000]
        )
    except DomainError as error:
        return _redirect_with_error(request, error, target)
    messages.success(request, _("Your request was sent to the team."))
    return HttpResponseRedirect(target)


@login_required
@require_POST
@domain_errors_as_http
def review_acknowledge(request, review_id: int):
    review = selectors.review_get_for_mentee(actor=request.user, review_id=review_id)
    services.review_acknowledge(actor=request.user, review=review)
    messages.success(request, _("Thank you: your mentor sees that you read it."))
    return HttpResponseRedirect(reverse("mentoring-home"))


@login_required
@require_POST
def settings_update(request):
    target = request.POST.get("next") or reverse("mentoring-home")
    if target not in (reverse("mentoring-home"), reverse("mentor-availability")):
        target = reverse("mentoring-home")
    try:
        if "reset_feed" in request.POST:
            services.calendar_token_reset(actor=request.user)
            messages.success(request, _("Your calendar feed has a new address."))
        else:
            services.profile_update(
                actor=request.user, time_zone=request.POST.get("time_zone", "")
            )
            messages.success(request, _("Time zone saved."))
    except DomainError as error:
        return _redirect_with_error(request, error, target)
    return HttpResponseRedirect(target)


# --- A session, for both people ------------------------------------------------------


@login_required
@domain_errors_as_http
def session_detail(request, session_id: int):
    session = selectors.session_get(actor=request.user, session_id=session_id)
    target = reverse("mentoring-session", args=[session.pk])
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                services.session_cancel(actor=request.user, session=session)
                messages.success(request, _("The session is cancelled."))
            else:
                services.note_create(
                    actor=request.user,
                    session=session,
                    body=request.POST.get("body", "")[:20_000],
                    shared=request.POST.get("shared") == "on",
                )
                messages.success(request, _("Note saved."))
        except DomainError as error:
            return _redirect_with_error(request, error, target)
        return HttpResponseRedirect(target)
    context = _zone_context(request)
    return render(
        request,
        "mentorship/session_detail.html",
        {
            **context,
            "session": session,
            "is_mentor": session.mentor_id == request.user.pk,
            "notes": selectors.note_list(actor=request.user, session=session),
        },
    )


@login_required
@require_safe
@domain_errors_as_http
def session_ics_download(request, session_id: int):
    session = selectors.session_get(actor=request.user, session_id=session_id)
    response = HttpResponse(session_ics(session), content_type=ICS_MIMETYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="mentoring-{session.pk}.ics"'
    )
    return response


@require_safe
def calendar_feed(request, token: str):
    """The private feed: the secret in the URL is the only credential (calendar
    apps cannot sign in). An unknown or reset token is a plain 404."""
    profile = selectors.profile_by_feed_token(token=token)
    if profile is None:
        raise Http404
    response = HttpResponse(feed_ics(user=profile.user), content_type=ICS_MIMETYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response

"""Talent pages: the learner's "Career profile" (opt in, answer interests) and the
representatives' candidate search. The same selectors and services as the API, so a
page shows a representative no surname or e-mail before the learner accepted."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from learning.skills.models import ROLE_ID_PATTERN, WorkRole
from portal.errors import DomainError
from portal.web import domain_errors_as_http

from . import selectors, services
from .models import Clearance


class ProfileForm(forms.Form):
    visible = forms.BooleanField(
        required=False,
        label=gettext_lazy("Show my profile to employers' representatives"),
    )
    headline = forms.CharField(required=False, max_length=200)
    target_roles = forms.ModelMultipleChoiceField(
        queryset=WorkRole.objects.none(),
        required=False,
        to_field_name="nice_id",
        label=gettext_lazy("Target work roles"),
    )
    location = forms.CharField(required=False, max_length=120)
    availability_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    separation_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Separation date (veterans, optional)"),
    )
    clearance_level = forms.ChoiceField(choices=Clearance.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_roles"].queryset = WorkRole.objects.filter(
            framework__current=True
        ).order_by("nice_id")


class SearchForm(forms.Form):
    work_role = forms.RegexField(
        regex=rf"^{ROLE_ID_PATTERN}$", required=False, max_length=20
    )
    min_coverage = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=gettext_lazy("Min. %")
    )
    q = forms.CharField(required=False, max_length=100)


class InterestForm(forms.Form):
    message = forms.CharField(max_length=2000, widget=forms.Textarea)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def career_profile(request):
    profile = selectors.talent_profile_of(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["target_roles"] = [r.nice_id for r in data["target_roles"]]
            try:
                services.talent_profile_update(actor=request.user, data=data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your career profile is saved."))
                return HttpResponseRedirect(reverse("career-profile"))
    else:
        form = ProfileForm(
            initial={
                "visible": profile.visible,
                "headline": profile.headline,
                "target_roles": (
                    [r.nice_id for r in profile.target_roles.all()]
                    if profile.pk
                    else []
                ),
                "location": profile.location,
                "availability_date": profile.availability_date,
                "separation_date": profile.separation_date,
                "clearance_level": profile.clearance_level,
            }
        )
    interests = selectors.interest_list(actor=request.user).filter(
        profile__user=request.user
    )
    return render(
        request,
        "talent/career_profile.html",
        {"form": form, "profile": profile, "interests": interests},
    )


@login_required
@require_POST
def interest_answer(request, interest_id: int, answer: str):
    try:
        services.interest_respond(
            actor=request.user, interest_id=interest_id, accept=answer == "accept"
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Accepted: they can now see your name and e-mail.")
            if answer == "accept"
            else _("Declined."),
        )
    return HttpResponseRedirect(reverse("career-profile"))


@login_required
@require_http_methods(["GET", "HEAD"])
@domain_errors_as_http
def candidate_search(request):
    form = SearchForm(request.GET or None)
    filters = selectors.CandidateFilters()
    if form.is_valid():
        minimum = form.cleaned_data.get("min_coverage")
        filters = selectors.CandidateFilters(
            work_role=form.cleaned_data.get("work_role") or None,
            min_coverage=minimum / 100 if minimum is not None else None,
            q=form.cleaned_data.get("q") or "",
        )
    candidates = selectors.candidate_list(actor=request.user, filters=filters)
    services.talent_search_record(
        actor=request.user,
        filters={
            "work_role": filters.work_role,
            "min_coverage": filters.min_coverage,
            "q": filters.q,
            "page": True,
        },
        results=len(candidates),
    )
    sent = selectors.interest_list(actor=request.user).filter(
        representative=request.user
    )
    return render(
        request,
        "talent/candidates.html",
        {
            "form": form,
            "candidates": candidates[:50],
            "total": len(candidates),
            "interest_form": InterestForm(),
            "sent": sent[:50],
            "roles": WorkRole.objects.filter(framework__current=True).order_by(
                "nice_id"
            ),
        },
    )


@login_required
@require_POST
def interest_send(request, profile_id: int):
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message (at most 2000 characters)."))
    else:
        try:
            services.interest_send(
                actor=request.user,
                profile_id=profile_id,
                message=form.cleaned_data["message"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Sent. The candidate will be notified."))
    return HttpResponseRedirect(reverse("talent-candidates"))

"""Manual grading in the Wagtail admin: the queue of attempts awaiting review in the
user's courses, and a form per attempt to grade its essays with feedback through
``services.attempt_grade_manual`` (which holds every rule; its errors are shown on
the form)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from content.access import managed_courses_q
from portal.accounts.permissions import has_permission, is_admin
from portal.errors import DomainError

from .. import selectors, services
from ..models import Attempt, AttemptStatus
from ..questions import ESSAY

PAGE_SIZE = 50


def may_grade(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (is_admin(user) or has_permission(user, "assessment:grade"))
    )


def _essays(attempt: Attempt) -> list[dict]:
    """The attempt's essays in the order served, with the learner's answer and the
    current grade (when regrading)."""
    items = []
    for served in attempt.questions:
        question = attempt.answer_key.get(served["id"], {})
        if question.get("type") != ESSAY:
            continue
        result = attempt.results.get(served["id"]) or {}
        items.append(
            {
                "id": served["id"],
                "prompt": question.get("prompt", ""),
                "points": question.get("points", 1),
                "answer": attempt.answers.get(served["id"]),
                "result": result,
            }
        )
    return items


class GradeForm(forms.Form):
    """Points (0 to the question's points) and feedback for each essay."""

    def __init__(self, *args, essays, **kwargs):
        super().__init__(*args, **kwargs)
        self.essays = essays
        for essay in essays:
            qid = essay["id"]
            result = essay["result"]
            graded = result.get("outcome") not in (None, "pending")
            self.fields[f"{qid}-points"] = forms.DecimalField(
                label=_("Points (0 to %(max)s)") % {"max": essay["points"]},
                min_value=0,
                max_value=Decimal(str(essay["points"])),
                decimal_places=2,
                initial=result.get("points_awarded") if graded else None,
            )
            self.fields[f"{qid}-feedback"] = forms.CharField(
                label=_("Feedback to the learner"),
                required=False,
                max_length=services.MAX_GRADE_FEEDBACK,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=result.get("feedback", ""),
            )

    def grades(self) -> dict:
        grades = {}
        for essay in self.essays:
            qid = essay["id"]
            points = self.cleaned_data[f"{qid}-points"]
            grades[qid] = {
                "points": int(points)
                if points == points.to_integral()
                else float(points),
                "feedback": self.cleaned_data[f"{qid}-feedback"],
            }
        return grades

    def add_service_error(self, exc: DomainError) -> None:
        # Service fields read "grades.<qid>[.points|.feedback]".
        field = getattr(exc, "field", None) or ""
        parts = field.split(".")
        name = None
        if len(parts) >= 2 and parts[0] == "grades":
            suffix = parts[2] if len(parts) > 2 else "points"
            name = f"{parts[1]}-{suffix}"
        self.add_error(name if name in self.fields else None, exc.message)

    def rows(self):
        for essay in self.essays:
            yield {
                "essay": essay,
                "points": self[f"{essay['id']}-points"],
                "feedback": self[f"{essay['id']}-feedback"],
            }


class GradingBaseView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not may_grade(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class GradingQueueView(GradingBaseView):
    template_name = "assessments/admin/grading_queue.html"
    page_title = gettext_lazy("Grading")
    page_subtitle = gettext_lazy("Essays awaiting grading")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempts = selectors.grading_queue(actor=self.request.user)
        page = Paginator(attempts, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context["page_obj"] = page
        context["attempts"] = page.object_list
        return context


class GradeAttemptView(GradingBaseView):
    template_name = "assessments/admin/grading_attempt.html"
    page_title = gettext_lazy("Grade attempt")

    def dispatch(self, request, *args, **kwargs):
        if not may_grade(request.user):
            raise Http404
        attempts = Attempt.objects.select_related(
            "assessment", "assessment__course", "user"
        )
        # Other instructors' attempts do not exist here.
        attempts = attempts.filter(
            managed_courses_q(user=request.user, prefix="assessment__course__")
        )
        self.attempt = attempts.filter(pk=kwargs["attempt_id"]).first()
        if self.attempt is None:
            raise Http404
        self.essays = _essays(self.attempt)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.attempt.assessment.title} — {self.attempt.user.email}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("assessments_grading_queue"), "label": _("Grading")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @property
    def gradable(self) -> bool:
        return (
            self.attempt.status in (AttemptStatus.PENDING_REVIEW, AttemptStatus.GRADED)
            and not self.attempt.late
            and bool(self.essays)
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "attempt": self.attempt,
                "form": form or GradeForm(essays=self.essays),
                "gradable": self.gradable,
                "queue_url": reverse("assessments_grading_queue"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = GradeForm(request.POST, essays=self.essays)
        if form.is_valid():
            try:
                attempt = services.attempt_grade_manual(
                    actor=request.user,
                    attempt_id=self.attempt.pk,
                    grades=form.grades(),
                )
            except DomainError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Graded: %(learner)s scored %(score)s%% and %(outcome)s.")
                    % {
                        "learner": attempt.user.email,
                        "score": attempt.score,
                        "outcome": _("passed") if attempt.passed else _("did not pass"),
                    },
                )
                return redirect("assessments_grading_queue")
        return self.render_to_response(self.get_context_data(form=form))

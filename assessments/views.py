"""Learner-facing assessment pages: take an assessment, see an attempt's result.

The pages are rendered on the server; ``static/js/quiz.js`` drives the attempt
through the REST API with the session cookie and the CSRF token rendered in the
page (``POST …/start``, ``PUT /attempts/{id}/answers`` for autosave, ``POST
…/submit``, and proctoring events). An attempt starts only when the learner presses
"Start" (a timed assessment's clock must not run while the instructions are read);
an attempt in progress is resumed on load, its answers restored from the server.

Who sees what: the take page is for learners enrolled in the course (anyone else,
staff included, gets the 404 page); a result page only for the attempt's learner.
Questions come from the attempt as served (public fields only): correct answers,
tolerances and flags are never in these pages, except the correct answers an
assessment explicitly reveals after submission (the API's feedback rules).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.web import domain_errors_as_http

from . import grading, selectors
from . import questions as q
from .models import AssessmentType, Attempt, AttemptStatus
from .selectors import attempt_feedback


def _choice_rows(question: dict, selected) -> list[dict]:
    return [
        {"index": index, "text": text, "checked": index in selected}
        for index, text in enumerate(question.get("choices", []))
    ]


def _question_view(question: dict, answer) -> dict:
    """What the take page renders for one served question, with the saved answer
    filled in (``answer`` None: not answered yet)."""
    qtype = question["type"]
    view = {
        "id": question["id"],
        "type": qtype,
        "prompt": question["prompt"],
        "points": question.get("points", 1),
        "value": "",
    }
    if qtype == q.SINGLE_CHOICE:
        view["choices"] = _choice_rows(question, {answer})
    elif qtype == q.MULTIPLE_CHOICE:
        view["choices"] = _choice_rows(
            question, set(answer) if isinstance(answer, list) else set()
        )
    elif qtype == q.TRUE_FALSE:
        view["value"] = "" if answer is None else ("true" if answer else "false")
    elif answer is not None:
        view["value"] = str(answer)
    return view


def _answer_text(question: dict, answer) -> str:
    """A learner's (or a revealed correct) answer as a person reads it."""
    if answer is None or answer == []:
        return ""
    qtype = question["type"]
    choices = question.get("choices", [])

    def choice(index) -> str:
        return choices[index] if isinstance(index, int) and index < len(choices) else ""

    if qtype == q.SINGLE_CHOICE:
        return choice(answer)
    if qtype == q.MULTIPLE_CHOICE:
        return ", ".join(choice(i) for i in sorted(answer))
    if qtype == q.TRUE_FALSE:
        return _("True") if answer else _("False")
    if qtype == q.SHORT_ANSWER and isinstance(answer, list):
        return " / ".join(answer)
    if qtype == q.NUMERIC and isinstance(answer, dict):
        if answer.get("tolerance"):
            return f"{answer['value']} (± {answer['tolerance']})"
        return str(answer["value"])
    return str(answer)


def _epoch_ms(moment) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def _attempt_summary(attempt: Attempt) -> dict:
    return {
        "attempt": attempt,
        "pending": attempt.status == AttemptStatus.PENDING_REVIEW,
        "invalidated": attempt.status == AttemptStatus.INVALIDATED,
    }


@login_required
@require_safe
@domain_errors_as_http
def take(request, assessment_id: int):
    assessment = selectors.learner_assessment_get(
        user=request.user, assessment_id=assessment_id
    )
    attempts = list(
        selectors.learner_attempt_list(user=request.user, assessment=assessment)
    )
    current = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    now = timezone.now()
    used = len(attempts)
    # An attempt in progress was already counted when it started.
    left = max(assessment.max_attempts - used, 0)
    not_open = assessment.opens_at is not None and now < assessment.opens_at
    closed = assessment.closes_at is not None and now >= assessment.closes_at
    questions = []
    if current is not None:
        questions = [
            _question_view(question, current.answers.get(question["id"]))
            for question in current.questions
        ]
    return render(
        request,
        "assessments/take.html",
        {
            "assessment": assessment,
            "course": assessment.course,
            "module": assessment.module,
            "is_lab": assessment.assessment_type == AssessmentType.LAB,
            "question_count": min(
                assessment.pool_size or len(assessment.questions),
                len(assessment.questions),
            ),
            "attempts": [_attempt_summary(a) for a in attempts if a is not current],
            "current": current,
            "questions": questions,
            "attempts_used": used,
            "attempts_left": left,
            "can_start": current is None and left > 0 and not not_open and not closed,
            "not_open": not_open,
            "closed": closed,
            # Epoch milliseconds: the page's clock is the server's (quiz.js keeps
            # the offset to the client clock), not the client's alone.
            "server_now_ms": _epoch_ms(now),
            "deadline_ms": _epoch_ms(current.deadline) if current else None,
            "saved_at_ms": _epoch_ms(current.saved_at) if current else None,
        },
    )


@login_required
@require_safe
@domain_errors_as_http
def attempt_result(request, attempt_id: int):
    attempt = selectors.learner_attempt_get(user=request.user, attempt_id=attempt_id)
    assessment = attempt.assessment
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("assessment-take", assessment_id=assessment.pk)
    by_id = {question["id"]: question for question in attempt.questions}
    rows = []
    for item in attempt_feedback(attempt):
        question = by_id[item["question_id"]]
        answer = attempt.answers.get(question["id"])
        rows.append(
            {
                **item,
                "prompt": question["prompt"],
                "type": question["type"],
                "answer_text": _answer_text(question, answer),
                "answered": answer is not None,
                "revealed": "correct_answer" in item,
                "correct_text": _answer_text(question, item.get("correct_answer")),
            }
        )
    return render(
        request,
        "assessments/result.html",
        {
            "assessment": assessment,
            "course": assessment.course,
            "module": assessment.module,
            "attempt": attempt,
            "rows": rows,
            "correct_count": sum(1 for r in rows if r["outcome"] == grading.CORRECT),
            "pending": attempt.status == AttemptStatus.PENDING_REVIEW,
            "invalidated": attempt.status == AttemptStatus.INVALIDATED,
            "can_retake": assessment.archived_at is None,
        },
    )

"""Attempts: start (or resume), submit, autosave, and reading results back.

Learner-facing output is built from whitelists (``public_question``, the feedback
below): correct answers, tolerances, flag hashes and salts never leave the server.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import JSONObjectField
from portal.api.pagination import PagePagination

from .. import grading, selectors, services
from ..models import AttemptStatus
from ..questions import FLAG
from ..selectors import attempt_feedback
from .assessments import QuestionOutput
from .proctoring import PROCTOR_HEADER, client_info, proctor_token
from .throttles import FlagSubmitThrottle

# --- Serializers -------------------------------------------------------------------


# Plain text in the schema: another app's "status" enum already owns the name.
STATUS_HELP = "Attempt status: " + ", ".join(AttemptStatus.values) + "."


class AttemptStartOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assessment_id = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    questions = QuestionOutput(many=True)
    answers = serializers.JSONField(
        help_text="The answers saved so far ({question id: answer}); restore a "
        "reloaded page from these."
    )
    saved_at = serializers.DateTimeField(
        allow_null=True, help_text="Last autosave (null before the first)."
    )
    proctor_token = serializers.CharField(
        required=False,
        help_text="Proctored exams only, and only in the response that opened the "
        "proctoring session (a new attempt, or a resume after staff reset the "
        "session): send it back as the `X-Proctor-Session` header with every later "
        "call for this attempt.",
    )


class FeedbackOutput(serializers.Serializer):
    question_id = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=[grading.CORRECT, grading.INCORRECT, grading.PARTIAL, grading.PENDING],
        help_text="`pending`: an essay awaiting manual grading; `partial`: an essay "
        "awarded some of its points.",
    )
    correct = serializers.BooleanField(
        allow_null=True,
        help_text="True only for full points; null while pending.",
    )
    points_awarded = serializers.FloatField()
    points = serializers.FloatField()
    feedback = serializers.CharField(
        allow_null=True,
        help_text="The grader's comment on a hand-graded question (null if none).",
    )
    correct_answer = serializers.JSONField(
        required=False,
        help_text="Only when the assessment allows review; never for flags/essays.",
    )


class LearnerRef(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class AttemptResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assessment_id = serializers.IntegerField()
    learner = LearnerRef(source="user")
    attempt_number = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    late = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    feedback = FeedbackOutput(many=True)
    questions = QuestionOutput(
        many=True, help_text="The questions served, in order (no answers)."
    )
    answers = serializers.JSONField(
        help_text="The learner's answers: saved so far while in progress, else "
        "as submitted (flag answers left out once submitted)."
    )
    saved_at = serializers.DateTimeField(allow_null=True)


class AnswersInput(serializers.Serializer):
    partial_patch = False  # PATCH replaces the saved set like PUT (the schema says)

    answers = JSONObjectField(
        help_text="Every answer so far ({question id: answer}); replaces the "
        "saved set. Validated like a submission."
    )


class AutosaveOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    answers = serializers.JSONField()


class SubmitInput(serializers.Serializer):
    answers = JSONObjectField(help_text='{"q1": 1, "q2": [0, 2], …}')


# --- Output helpers ----------------------------------------------------------------


def _answers(attempt) -> dict:
    """The learner's answers; once submitted, without flag answers, so that a
    correct flag never appears in a response."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return attempt.answers
    flags = {q["id"] for q in attempt.questions if q["type"] == FLAG}
    return {qid: a for qid, a in attempt.answers.items() if qid not in flags}


def attempt_result(attempt) -> dict:
    return AttemptResultOutput(
        {
            "id": attempt.pk,
            "assessment_id": attempt.assessment_id,
            "user": attempt.user,
            "attempt_number": attempt.attempt_number,
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
            "late": attempt.late,
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "submitted_at": attempt.submitted_at,
            "graded_at": attempt.graded_at,
            "feedback": attempt_feedback(attempt),
            "questions": attempt.questions,
            "answers": _answers(attempt),
            "saved_at": attempt.saved_at,
        }
    ).data


# --- Views -------------------------------------------------------------------------


class AttemptStartView(APIView):
    @extend_schema(
        request=None,
        responses={201: AttemptStartOutput, 200: AttemptStartOutput},
        tags=["assessments"],
        description="201 with a new attempt; 200 with the attempt already in "
        "progress (resume). 409 `MAX_ATTEMPTS_REACHED` when none is left. "
        "Proctored exams: the 201 carries `proctor_token`; resuming without it in "
        "the `X-Proctor-Session` header is 409 `PROCTOR_SESSION_ACTIVE`, except "
        "after staff reset the session (`POST /attempts/{id}/proctor-session/"
        "reset`): the next resume opens a new session and its 200 carries the new "
        "`proctor_token`.",
        parameters=[PROCTOR_HEADER],
    )
    def post(self, request, assessment_id, *args, **kwargs):
        result = services.attempt_start(
            actor=request.user,
            assessment_id=int(assessment_id),
            proctor_token=proctor_token(request),
            client=client_info(request),
        )
        attempt = result.attempt
        extra = {"proctor_token": result.proctor_token} if result.proctor_token else {}
        return Response(
            AttemptStartOutput(
                {
                    **extra,
                    "id": attempt.pk,
                    "assessment_id": attempt.assessment_id,
                    "attempt_number": attempt.attempt_number,
                    "status": attempt.status,
                    "started_at": attempt.started_at,
                    "deadline": attempt.deadline,
                    "questions": attempt.questions,
                    "answers": attempt.answers,
                    "saved_at": attempt.saved_at,
                }
            ).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class AttemptSubmitView(APIView):
    # Lab flags are checked exactly: limit guessing (429 RATE_LIMITED, Retry-After).
    throttle_classes = [FlagSubmitThrottle]

    @extend_schema(
        request=SubmitInput,
        responses={201: AttemptResultOutput},
        tags=["assessments"],
        description="Grades the attempt in progress (or, for an untimed assessment "
        "without a question pool, starts and grades one at once). Past the deadline: "
        "409 `DEADLINE_PASSED`, the answers are stored and marked late. With flag "
        "questions, submissions are rate limited per learner and assessment "
        "(`THROTTLE_RATE_FLAG`, 429 `RATE_LIMITED` with `Retry-After`). Proctored "
        "exams: without the `X-Proctor-Session` header 409 `PROCTOR_SESSION_ACTIVE`.",
        parameters=[PROCTOR_HEADER],
    )
    def post(self, request, assessment_id, *args, **kwargs):
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.attempt_submit(
            actor=request.user,
            assessment_id=int(assessment_id),
            answers=data.validated_data["answers"],
            proctor_token=proctor_token(request),
            client=client_info(request),
        )
        return Response(attempt_result(attempt), status=status.HTTP_201_CREATED)


class AssessmentResultsView(APIView):
    @extend_schema(
        responses={200: AttemptResultOutput(many=True)},
        tags=["assessments"],
        description="A learner's own attempts (also of a retired assessment); "
        "every learner's for the course's instructor and admins. Paginated.",
    )
    def get(self, request, assessment_id, *args, **kwargs):
        assessment = selectors.assessment_get(
            actor=request.user, assessment_id=int(assessment_id), include_archived=True
        )
        attempts = selectors.attempt_list(actor=request.user, assessment=assessment)
        paginator = PagePagination()
        page = paginator.paginate_queryset(attempts, request, self)
        for attempt in page:
            attempt.assessment = assessment
        return paginator.get_paginated_response([attempt_result(a) for a in page])


class AttemptDetailView(APIView):
    @extend_schema(responses={200: AttemptResultOutput}, tags=["assessments"])
    def get(self, request, attempt_id, *args, **kwargs):
        attempt = selectors.attempt_get(actor=request.user, attempt_id=int(attempt_id))
        return Response(attempt_result(attempt))


class AttemptAnswersView(APIView):
    @extend_schema(
        request=AnswersInput,
        responses={200: AutosaveOutput},
        tags=["assessments"],
        description="Autosave: store the answers of the caller's attempt in "
        "progress without grading them (the full set sent replaces the saved one). "
        "Validated like a submission (400 naming `answers.<id>`). Another "
        "user's attempt: 404. Not in progress: 409 `CONFLICT`; past the deadline: "
        "409 `DEADLINE_PASSED` (nothing stored). PATCH is a synonym. Proctored "
        "exams: without the `X-Proctor-Session` header 409 `PROCTOR_SESSION_ACTIVE`.",
        parameters=[PROCTOR_HEADER],
    )
    def put(self, request, attempt_id, *args, **kwargs):
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.attempt_autosave(
            actor=request.user,
            attempt_id=int(attempt_id),
            answers=data.validated_data["answers"],
            proctor_token=proctor_token(request),
            client=client_info(request),
        )
        return Response(
            AutosaveOutput(
                {
                    "attempt_id": attempt.pk,
                    "saved_at": attempt.saved_at,
                    "answers": attempt.answers,
                }
            ).data
        )

    @extend_schema(
        request=AnswersInput,
        responses={200: AutosaveOutput},
        tags=["assessments"],
        description="Synonym of PUT.",
    )
    def patch(self, request, attempt_id, *args, **kwargs):
        return self.put(request, attempt_id, *args, **kwargs)

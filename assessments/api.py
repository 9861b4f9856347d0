"""Assessments API (API.md "Assessments"). Thin views over services and selectors.

Learner-facing output is built from whitelists (``public_question``, the feedback
below): correct answers, tolerances, flag hashes and salts never leave the server.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.pagination import PagePagination

from . import grading, selectors, services
from .models import AssessmentType, AttemptStatus
from .questions import public_question

# --- Serializers -------------------------------------------------------------------

# Plain text in the schema: another app's "status" enum already owns the name.
STATUS_HELP = "Attempt status: " + ", ".join(AttemptStatus.values) + "."


class AssessmentInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    assessment_type = serializers.ChoiceField(choices=AssessmentType.choices)
    questions = serializers.JSONField(
        help_text="List of questions in the schema of API.md."
    )
    passing_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    max_attempts = serializers.IntegerField(
        min_value=1, max_value=services.MAX_ATTEMPTS, default=1
    )
    time_limit = serializers.IntegerField(
        min_value=1, max_value=services.MAX_TIME_LIMIT, required=False, allow_null=True
    )
    module_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True
    )
    required_for_completion = serializers.BooleanField(default=False)
    shuffle_questions = serializers.BooleanField(default=False)
    pool_size = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, allow_null=True
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    show_answers_after_submit = serializers.BooleanField(default=False)


class QuestionOutput(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    prompt = serializers.CharField()
    points = serializers.FloatField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class AssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    module_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    assessment_type = serializers.ChoiceField(choices=AssessmentType.choices)
    schema_version = serializers.IntegerField()
    passing_score = serializers.FloatField()
    time_limit = serializers.IntegerField(allow_null=True)
    max_attempts = serializers.IntegerField()
    shuffle_questions = serializers.BooleanField()
    pool_size = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    required_for_completion = serializers.BooleanField()
    show_answers_after_submit = serializers.BooleanField()
    question_count = serializers.IntegerField(help_text="Questions served per attempt.")
    questions = QuestionOutput(many=True)
    attempts_used = serializers.IntegerField(help_text="The caller's attempts.")
    attempts_left = serializers.IntegerField()


class AttemptStartOutput(serializers.Serializer):
    id = serializers.IntegerField()
    assessment_id = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    questions = QuestionOutput(many=True)


class FeedbackOutput(serializers.Serializer):
    question_id = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=[grading.CORRECT, grading.INCORRECT, grading.PENDING]
    )
    correct = serializers.BooleanField(allow_null=True)
    points_awarded = serializers.FloatField()
    points = serializers.FloatField()
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


class SubmitInput(serializers.Serializer):
    answers = serializers.JSONField(help_text='{"q1": 1, "q2": [0, 2], …}')


# --- Output helpers ----------------------------------------------------------------


def _feedback(attempt) -> list[dict]:
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return []
    review = attempt.assessment.show_answers_after_submit
    items = []
    for question in attempt.questions:
        qid = question["id"]
        result = attempt.results.get(qid, {})
        outcome = result.get("outcome", grading.INCORRECT)
        item = {
            "question_id": qid,
            "outcome": outcome,
            "correct": None
            if outcome == grading.PENDING
            else outcome == grading.CORRECT,
            "points_awarded": result.get("points_awarded", 0),
            "points": result.get("points", question.get("points", 1)),
        }
        if review:
            answer = grading.correct_answer(attempt.answer_key[qid])
            if answer is not None:
                item["correct_answer"] = answer
        items.append(item)
    return items


def _attempt_result(attempt) -> dict:
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
            "feedback": _feedback(attempt),
        }
    ).data


def _assessment_data(assessment, user) -> dict:
    used = selectors.attempts_used(user=user, assessment=assessment)
    questions = [public_question(q) for q in assessment.questions]
    return AssessmentOutput(
        {
            "id": assessment.pk,
            "course_id": assessment.course_id,
            "module_id": assessment.module_id,
            "title": assessment.title,
            "assessment_type": assessment.assessment_type,
            "schema_version": assessment.schema_version,
            "passing_score": assessment.passing_score,
            "time_limit": assessment.time_limit,
            "max_attempts": assessment.max_attempts,
            "shuffle_questions": assessment.shuffle_questions,
            "pool_size": assessment.pool_size,
            "opens_at": assessment.opens_at,
            "closes_at": assessment.closes_at,
            "required_for_completion": assessment.required_for_completion,
            "show_answers_after_submit": assessment.show_answers_after_submit,
            "question_count": min(
                assessment.pool_size or len(questions), len(questions)
            ),
            "questions": questions,
            "attempts_used": used,
            "attempts_left": max(assessment.max_attempts - used, 0),
        }
    ).data


# --- Views -------------------------------------------------------------------------


class CourseAssessmentsView(APIView):
    @extend_schema(
        request=AssessmentInput,
        responses={201: AssessmentOutput},
        tags=["assessments"],
        description="Owning instructor or admin. Invalid questions: 400 whose "
        "message names each question path (`questions[2].correct: …`).",
    )
    def post(self, request, course_id, *args, **kwargs):
        data = AssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_create(
            actor=request.user, course_id=int(course_id), **data.validated_data
        )
        return Response(
            _assessment_data(assessment, request.user), status=status.HTTP_201_CREATED
        )


class AssessmentDetailView(APIView):
    @extend_schema(responses={200: AssessmentOutput}, tags=["assessments"])
    def get(self, request, assessment_id, *args, **kwargs):
        assessment = selectors.assessment_get(
            actor=request.user, assessment_id=int(assessment_id)
        )
        return Response(_assessment_data(assessment, request.user))


class AttemptStartView(APIView):
    @extend_schema(
        request=None,
        responses={201: AttemptStartOutput, 200: AttemptStartOutput},
        tags=["assessments"],
        description="201 with a new attempt; 200 with the attempt already in "
        "progress (resume). 409 `MAX_ATTEMPTS_REACHED` when none is left.",
    )
    def post(self, request, assessment_id, *args, **kwargs):
        result = services.attempt_start(
            user=request.user, assessment_id=int(assessment_id)
        )
        attempt = result.attempt
        return Response(
            AttemptStartOutput(
                {
                    "id": attempt.pk,
                    "assessment_id": attempt.assessment_id,
                    "attempt_number": attempt.attempt_number,
                    "status": attempt.status,
                    "started_at": attempt.started_at,
                    "deadline": attempt.deadline,
                    "questions": attempt.questions,
                }
            ).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class AttemptSubmitView(APIView):
    @extend_schema(
        request=SubmitInput,
        responses={201: AttemptResultOutput},
        tags=["assessments"],
        description="Grades the attempt in progress (or, for an untimed assessment "
        "without a question pool, starts and grades one at once). Past the deadline: "
        "409 `DEADLINE_PASSED`, the answers are stored and marked late.",
    )
    def post(self, request, assessment_id, *args, **kwargs):
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.attempt_submit(
            user=request.user,
            assessment_id=int(assessment_id),
            answers=data.validated_data["answers"],
        )
        return Response(_attempt_result(attempt), status=status.HTTP_201_CREATED)


class AssessmentResultsView(APIView):
    @extend_schema(
        responses={200: AttemptResultOutput(many=True)},
        tags=["assessments"],
        description="A learner's own attempts; every learner's for the course's "
        "instructor and admins. Paginated.",
    )
    def get(self, request, assessment_id, *args, **kwargs):
        assessment = selectors.assessment_get(
            actor=request.user, assessment_id=int(assessment_id)
        )
        attempts = selectors.attempt_list(actor=request.user, assessment=assessment)
        paginator = PagePagination()
        page = paginator.paginate_queryset(attempts, request, self)
        for attempt in page:
            attempt.assessment = assessment
        return paginator.get_paginated_response([_attempt_result(a) for a in page])


class AttemptDetailView(APIView):
    @extend_schema(responses={200: AttemptResultOutput}, tags=["assessments"])
    def get(self, request, attempt_id, *args, **kwargs):
        attempt = selectors.attempt_get(actor=request.user, attempt_id=int(attempt_id))
        return Response(_attempt_result(attempt))

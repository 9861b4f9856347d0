"""Manual grading: grade an attempt's essays, and the queue of attempts awaiting it."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import ID_SCHEMA, JSONObjectField
from portal.api.pagination import PagePagination
from portal.errors import InvalidInput

from .. import selectors, services
from ..questions import ESSAY
from .attempts import AttemptResultOutput, attempt_result

# --- Serializers -------------------------------------------------------------------


class GradeInput(serializers.Serializer):
    grades = JSONObjectField(
        help_text='{"e1": {"points": 2.5, "feedback": "Good."}, …}: every essay '
        "question of the attempt, points 0 to the question's points, feedback "
        "optional (at most 5000 characters)."
    )


class GradingQuestionOutput(serializers.Serializer):
    id = serializers.CharField()
    prompt = serializers.CharField()
    points = serializers.FloatField()
    answer = serializers.CharField(
        allow_null=True, help_text="The learner's essay (null if left empty)."
    )


class GradingRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class GradingLearnerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GradingQueueOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    assessment = GradingRefOutput()
    course = GradingRefOutput()
    learner = GradingLearnerOutput()
    submitted_at = serializers.DateTimeField(allow_null=True)
    essays = GradingQuestionOutput(many=True)


# --- Views -------------------------------------------------------------------------


class AttemptGradeView(APIView):
    @extend_schema(
        request=GradeInput,
        responses={200: AttemptResultOutput},
        tags=["grading"],
        description="Grade (or regrade) the essay questions of an attempt awaiting "
        "review. The course's instructor and admins; another instructor 403, "
        "anyone else 404. Every essay must be graded (400 `grades.<id>`), points 0 "
        "to the question's points (400 `grades.<id>.points`). Late, invalidated or "
        "in-progress attempts: 409.",
    )
    def post(self, request, attempt_id, *args, **kwargs):
        data = GradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = services.attempt_grade_manual(
            actor=request.user,
            attempt_id=int(attempt_id),
            grades=data.validated_data["grades"],
        )
        return Response(attempt_result(attempt))


def _essays(attempt) -> list[dict]:
    return [
        {
            "id": question["id"],
            "prompt": question["prompt"],
            "points": question.get("points", 1),
            "answer": attempt.answers.get(question["id"]),
        }
        for question in attempt.questions
        if question["type"] == ESSAY
    ]


class GradingQueueView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "course", ID_SCHEMA, description="Only this course's attempts."
            )
        ],
        responses={200: GradingQueueOutput(many=True)},
        tags=["grading"],
        description="Attempts awaiting manual grading in the caller's courses "
        "(admins: all), oldest submission first, with each essay and the "
        "learner's answer. Instructors and admins; others 403. Paginated.",
    )
    def get(self, request, *args, **kwargs):
        course_id = None
        raw = request.query_params.get("course")
        if raw is not None:
            if not (raw.isascii() and raw.isdigit()) or not 0 < len(raw) <= 18:
                raise InvalidInput("Must be a course id.", field="course")
            course_id = int(raw)
            if course_id < 1:
                raise InvalidInput("Must be a course id.", field="course")
        attempts = selectors.grading_queue(actor=request.user, course_id=course_id)
        paginator = PagePagination()
        page = paginator.paginate_queryset(attempts, request, self)
        rows = [
            {
                "attempt_id": attempt.pk,
                "attempt_number": attempt.attempt_number,
                "assessment": attempt.assessment,
                "course": attempt.assessment.course,
                "learner": {
                    "id": attempt.user.pk,
                    "name": attempt.user.get_full_name() or attempt.user.email,
                },
                "submitted_at": attempt.submitted_at,
                "essays": _essays(attempt),
            }
            for attempt in page
        ]
        return paginator.get_paginated_response(
            GradingQueueOutput(rows, many=True).data
        )

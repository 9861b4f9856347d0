"""The assessment resource: a course's assessments (list, create) and one
assessment (detail, partial edit, retire)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from content.access import is_course_manager
from portal.api.fields import JSONListField, StrictBooleanField, StrictDecimalField
from portal.api.pagination import PagePagination

from .. import selectors, services
from ..models import AssessmentType
from ..questions import MAX_QUESTIONS, public_question

# --- Serializers -------------------------------------------------------------------


class AssessmentInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    assessment_type = serializers.ChoiceField(choices=AssessmentType.choices)
    questions = JSONListField(
        min_items=1,
        max_items=MAX_QUESTIONS,
        help_text="List of questions in the schema of API.md.",
    )
    passing_score = StrictDecimalField(
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
    required_for_completion = StrictBooleanField(default=False)
    shuffle_questions = StrictBooleanField(default=False)
    pool_size = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, allow_null=True
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    show_answers_after_submit = StrictBooleanField(default=False)
    proctored = StrictBooleanField(
        default=False,
        help_text="Exams only (400 `proctored` otherwise); needs both `opens_at` "
        "and `closes_at`.",
    )
    lab_instructions = serializers.CharField(
        max_length=services.MAX_LAB_INSTRUCTIONS,
        allow_blank=True,
        default="",
        help_text="How to reach the lab; plain text (tags are removed).",
    )


class QuestionOutput(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    prompt = serializers.CharField()
    points = serializers.FloatField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    correct = serializers.JSONField(
        required=False,
        help_text="Only for the course's instructor and admins, never for flags "
        "(stored hashed; send a flag question without `correct` to keep it).",
    )
    tolerance = serializers.FloatField(
        required=False, help_text="Numeric questions; instructor and admins only."
    )


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
    proctored = serializers.BooleanField()
    lab_instructions = serializers.CharField(allow_blank=True)
    archived = serializers.BooleanField(
        help_text="Retired: hidden from learners (only managers see it)."
    )
    archived_at = serializers.DateTimeField(allow_null=True)
    question_count = serializers.IntegerField(help_text="Questions served per attempt.")
    questions = QuestionOutput(many=True)
    attempts_used = serializers.IntegerField(help_text="The caller's attempts.")
    attempts_left = serializers.IntegerField()


class AssessmentSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    module_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    assessment_type = serializers.ChoiceField(choices=AssessmentType.choices)
    passing_score = serializers.FloatField()
    time_limit = serializers.IntegerField(allow_null=True)
    max_attempts = serializers.IntegerField()
    question_count = serializers.IntegerField(help_text="Questions served per attempt.")
    required_for_completion = serializers.BooleanField()
    proctored = serializers.BooleanField()
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    archived = serializers.BooleanField(
        help_text="Retired (listed for the course's instructor and admins only)."
    )
    archived_at = serializers.DateTimeField(allow_null=True)
    attempts_used = serializers.IntegerField(help_text="The caller's attempts.")
    attempts_left = serializers.IntegerField()


# --- Output helpers ----------------------------------------------------------------


def _authoring_question(question: dict) -> dict:
    """What the course's managers see of a question: everything but a flag's hash."""
    return {key: value for key, value in question.items() if key != "flag_hash"}


def _question_count(assessment) -> int:
    total = len(assessment.questions)
    return min(assessment.pool_size or total, total)


def _assessment_data(assessment, user) -> dict:
    used = selectors.attempts_used(user=user, assessment=assessment)
    if is_course_manager(user=user, course=assessment.course):
        questions = [_authoring_question(q) for q in assessment.questions]
    else:
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
            "proctored": assessment.proctored,
            "lab_instructions": assessment.lab_instructions,
            "archived": assessment.archived_at is not None,
            "archived_at": assessment.archived_at,
            "question_count": _question_count(assessment),
            "questions": questions,
            "attempts_used": used,
            "attempts_left": max(assessment.max_attempts - used, 0),
        }
    ).data


# --- Views -------------------------------------------------------------------------


def _summary(assessment) -> dict:
    return {
        "id": assessment.pk,
        "course_id": assessment.course_id,
        "module_id": assessment.module_id,
        "title": assessment.title,
        "assessment_type": assessment.assessment_type,
        "passing_score": assessment.passing_score,
        "time_limit": assessment.time_limit,
        "max_attempts": assessment.max_attempts,
        "question_count": _question_count(assessment),
        "required_for_completion": assessment.required_for_completion,
        "proctored": assessment.proctored,
        "opens_at": assessment.opens_at,
        "closes_at": assessment.closes_at,
        "archived": assessment.archived_at is not None,
        "archived_at": assessment.archived_at,
        "attempts_used": assessment.attempts_used,
        "attempts_left": max(assessment.max_attempts - assessment.attempts_used, 0),
    }


class CourseAssessmentsView(APIView):
    @extend_schema(
        responses={200: AssessmentSummaryOutput(many=True)},
        tags=["assessments"],
        description="The course's assessments, oldest first. Enrolled learners see "
        "those not retired; the course's instructor and admins all of them "
        "(`archived`). Others: 403 on a live course, 404 on a draft. Paginated.",
    )
    def get(self, request, course_id, *args, **kwargs):
        assessments, _ = selectors.assessment_list(
            actor=request.user, course_id=int(course_id)
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(assessments, request, self)
        return paginator.get_paginated_response(
            AssessmentSummaryOutput([_summary(a) for a in page], many=True).data
        )

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
    @extend_schema(
        responses={200: AssessmentOutput},
        tags=["assessments"],
        description="Enrolled learners (questions without answers; a retired "
        "assessment is 404 to them), the course's instructor and admins (with "
        "`correct`, never a flag's).",
    )
    def get(self, request, assessment_id, *args, **kwargs):
        assessment = selectors.assessment_get(
            actor=request.user, assessment_id=int(assessment_id)
        )
        return Response(_assessment_data(assessment, request.user))

    @extend_schema(
        request=AssessmentInput(partial=True),
        responses={200: AssessmentOutput},
        tags=["assessments"],
        description="Partial update (PATCH is a synonym): fields not sent stay, the "
        "result is validated like a new assessment. `questions` replaces the whole "
        "list; a flag question sent without `correct` keeps its stored flag when "
        "its id was a flag before. Attempts already started keep the questions "
        "they were served. The course's instructor and admins; others 403 (404 on "
        "a draft course).",
    )
    def put(self, request, assessment_id, *args, **kwargs):
        data = AssessmentInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_update_partial(
            actor=request.user,
            assessment_id=int(assessment_id),
            changes=data.validated_data,
        )
        return Response(_assessment_data(assessment, request.user))

    @extend_schema(
        request=AssessmentInput(partial=True),
        responses={200: AssessmentOutput},
        tags=["assessments"],
        description="Synonym of PUT.",
    )
    def patch(self, request, assessment_id, *args, **kwargs):
        return self.put(request, assessment_id, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: AssessmentOutput},
        tags=["assessments"],
        description="Retires the assessment (`archived_at`) and answers 200 with it: "
        "learners no longer see, start or submit it and it no longer guards its "
        "module's completion; attempts and grades are kept. Repeating it is a "
        "no-op. The course's instructor and admins; others 403 (404 on a draft).",
    )
    def delete(self, request, assessment_id, *args, **kwargs):
        assessment = services.assessment_archive(
            actor=request.user, assessment_id=int(assessment_id)
        )
        return Response(_assessment_data(assessment, request.user))

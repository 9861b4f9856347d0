"""Assessments API (API.md "Assessments"). Thin views over services and selectors.

Learner-facing output is built from whitelists (``public_question``, the feedback
below): correct answers, tolerances, flag hashes and salts never leave the server.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from content.services import is_course_manager
from portal.api.pagination import PagePagination
from portal.errors import InvalidInput

from . import grading, selectors, services
from .models import AssessmentType, AttemptStatus
from .proctoring_api import PROCTOR_HEADER, client_info, proctor_token
from .questions import ESSAY, FLAG, public_question
from .throttles import FlagSubmitThrottle

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
    proctored = serializers.BooleanField(
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
        "proctoring session (a new attempt): send it back as the "
        "`X-Proctor-Session` header with every later call for this attempt.",
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
    answers = serializers.JSONField(
        help_text="Every answer so far ({question id: answer}); replaces the "
        "saved set. Validated like a submission."
    )


class AutosaveOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    answers = serializers.JSONField()


class GradeInput(serializers.Serializer):
    grades = serializers.JSONField(
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
            "feedback": result.get("feedback") or None,
        }
        if review:
            answer = grading.correct_answer(attempt.answer_key[qid])
            if answer is not None:
                item["correct_answer"] = answer
        items.append(item)
    return items


def _answers(attempt) -> dict:
    """The learner's answers; once submitted, without flag answers, so that a
    correct flag never appears in a response."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return attempt.answers
    flags = {q["id"] for q in attempt.questions if q["type"] == FLAG}
    return {qid: a for qid, a in attempt.answers.items() if qid not in flags}


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
            "questions": attempt.questions,
            "answers": _answers(attempt),
            "saved_at": attempt.saved_at,
        }
    ).data


def _authoring_question(question: dict) -> dict:
    """What the course's managers see of a question: everything but a flag's hash."""
    return {key: value for key, value in question.items() if key != "flag_hash"}


def _question_count(assessment) -> int:
    total = len(assessment.questions)
    return min(assessment.pool_size or total, total)


def _assessment_data(assessment, user) -> dict:
    used = selectors.attempts_used(user=user, assessment=assessment)
    if is_course_manager(user, assessment.course):
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


class AttemptStartView(APIView):
    @extend_schema(
        request=None,
        responses={201: AttemptStartOutput, 200: AttemptStartOutput},
        tags=["assessments"],
        description="201 with a new attempt; 200 with the attempt already in "
        "progress (resume). 409 `MAX_ATTEMPTS_REACHED` when none is left. "
        "Proctored exams: the 201 carries `proctor_token`; resuming without it in "
        "the `X-Proctor-Session` header is 409 `PROCTOR_SESSION_ACTIVE`.",
        parameters=[PROCTOR_HEADER],
    )
    def post(self, request, assessment_id, *args, **kwargs):
        result = services.attempt_start(
            user=request.user,
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
            user=request.user,
            assessment_id=int(assessment_id),
            answers=data.validated_data["answers"],
            proctor_token=proctor_token(request),
            client=client_info(request),
        )
        return Response(_attempt_result(attempt), status=status.HTTP_201_CREATED)


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
        return paginator.get_paginated_response([_attempt_result(a) for a in page])


class AttemptDetailView(APIView):
    @extend_schema(responses={200: AttemptResultOutput}, tags=["assessments"])
    def get(self, request, attempt_id, *args, **kwargs):
        attempt = selectors.attempt_get(actor=request.user, attempt_id=int(attempt_id))
        return Response(_attempt_result(attempt))


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
            user=request.user,
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
        return Response(_attempt_result(attempt))


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
            OpenApiParameter("course", int, description="Only this course's attempts.")
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
        if raw not in (None, ""):
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                raise InvalidInput("Must be a course id.", field="course")
            course_id = int(raw)
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

"""Analytics API (API.md "Analytics"): thin views over ``learning.analytics``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.api.views import resolve_user_id

from .. import analytics
from ..models import EnrollmentStatus

TAGS = ["analytics"]

# --- Serializers -------------------------------------------------------------------


class DashboardTotals(serializers.Serializer):
    learners = serializers.IntegerField(
        help_text="Distinct learners holding an enrollment in scope (any status)."
    )
    courses = serializers.IntegerField(
        help_text="Distinct courses with an enrollment in scope."
    )
    enrollments = serializers.IntegerField(help_text="All enrollments in scope.")
    completions = serializers.IntegerField(help_text="Completed enrollments.")


class ActiveLearners(serializers.Serializer):
    last_24h = serializers.IntegerField()
    last_7d = serializers.IntegerField()


class EnrollmentCounts(serializers.Serializer):
    active = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[
            analytics.Scope.PLATFORM,
            analytics.Scope.INSTRUCTOR,
            analytics.Scope.ORGANIZATION,
            analytics.Scope.MENTEES,
        ],
        help_text="platform (admin), instructor (her courses), organization "
        "(a corporate rep's members), mentees (a mentor's).",
    )
    totals = DashboardTotals()
    active_learners = ActiveLearners(
        help_text="Distinct learners with a learning session ending, or an "
        "enrollment accessed, in the window."
    )
    enrollments = EnrollmentCounts()
    completion_rate = serializers.FloatField(
        min_value=0,
        max_value=1,
        help_text="Completed over non-cancelled enrollments (0 without any).",
    )
    average_progress = serializers.FloatField(
        min_value=0,
        max_value=100,
        help_text="Mean progress percentage of non-cancelled enrollments.",
    )
    time_spent_seconds = serializers.IntegerField(
        help_text="Time recorded on modules in scope."
    )


class AnalyticsCourseRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class Funnel(serializers.Serializer):
    enrolled = serializers.IntegerField(help_text="Current (not cancelled) learners.")
    started = serializers.IntegerField(help_text="Learners with any module activity.")
    halfway = serializers.IntegerField(help_text="Learners at 50% or more.")
    completed = serializers.IntegerField()


class ModuleStats(serializers.Serializer):
    module_id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField(help_text="1-based place among live modules.")
    is_mandatory = serializers.BooleanField()
    completions = serializers.IntegerField()
    completion_rate = serializers.FloatField(
        min_value=0, max_value=1, help_text="Completions over enrolled learners."
    )
    average_time_spent = serializers.FloatField(
        help_text="Mean seconds among learners with activity on the module."
    )


class CourseTimeSpent(serializers.Serializer):
    total_seconds = serializers.IntegerField()
    average_per_learner_seconds = serializers.FloatField(
        help_text="Total over enrolled learners."
    )


class CourseAssessmentStats(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField(help_text="quiz, exam, assignment or lab.")
    archived = serializers.BooleanField(help_text="Retired from learners.")
    attempts = serializers.IntegerField(
        help_text="Attempts handed in by current learners (not in progress, not "
        "invalidated)."
    )
    learners = serializers.IntegerField(help_text="Distinct learners among them.")
    passed = serializers.IntegerField(help_text="Learners with a passing attempt.")
    pass_rate = serializers.FloatField(
        min_value=0, max_value=1, help_text="Passed over learners (0 without any)."
    )
    average_score = serializers.FloatField(
        allow_null=True,
        help_text="Mean percent of graded attempts on time (null without any).",
    )
    pending_review = serializers.IntegerField(
        help_text="Attempts awaiting manual grading."
    )


class CourseAnalyticsOutput(serializers.Serializer):
    course = AnalyticsCourseRef()
    funnel = Funnel()
    modules = ModuleStats(many=True)
    time_spent = CourseTimeSpent()
    assessments = CourseAssessmentStats(
        many=True, help_text="Every assessment of the course, in creation order."
    )


class AnalyticsUserRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserCourseStats(serializers.Serializer):
    course_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.values)
    progress_percentage = serializers.FloatField()
    time_spent_seconds = serializers.IntegerField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    last_accessed = serializers.DateTimeField(allow_null=True)


class UserAssessmentStats(serializers.Serializer):
    assessment_id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField(help_text="quiz, exam, assignment or lab.")
    archived = serializers.BooleanField()
    attempts = serializers.IntegerField(help_text="Attempts started (any status).")
    best_score = serializers.FloatField(
        allow_null=True,
        help_text="Best percent among graded attempts on time (null without any).",
    )
    passed = serializers.BooleanField(help_text="Any attempt passed.")
    pending_review = serializers.BooleanField(
        help_text="An attempt awaits manual grading."
    )
    last_submitted_at = serializers.DateTimeField(allow_null=True)


class UserCourseAssessments(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_title = serializers.CharField()
    assessments = UserAssessmentStats(many=True)


class UserAnalyticsOutput(serializers.Serializer):
    user = AnalyticsUserRef()
    courses = UserCourseStats(many=True)
    time_spent_seconds = serializers.IntegerField()
    completed_courses = serializers.IntegerField()
    assessment_history = UserCourseAssessments(
        many=True,
        help_text="Assessments the user attempted, grouped per course (id order).",
    )


# --- Views -------------------------------------------------------------------------


class DashboardView(APIView):
    @extend_schema(
        responses={200: DashboardOutput},
        tags=TAGS,
        description="Figures for the caller's scope: the platform for admins, the "
        "courses she teaches for an instructor, her organization's members for a "
        "corporate rep, her mentees for a mentor. Students get 403.",
    )
    def get(self, request, *args, **kwargs):
        data = analytics.dashboard_get(actor=request.user)
        return Response(DashboardOutput(data).data)


class CourseAnalyticsView(APIView):
    @extend_schema(
        responses={200: CourseAnalyticsOutput},
        tags=TAGS,
        description="The course's instructor and admins. Other users get 403 (404 "
        "for a draft they cannot see).",
    )
    def get(self, request, course_id, *args, **kwargs):
        data = analytics.course_analytics_get(
            actor=request.user, course_id=int(course_id)
        )
        return Response(CourseAnalyticsOutput(data).data)


class UserAnalyticsView(APIView):
    @extend_schema(
        responses={200: UserAnalyticsOutput},
        tags=TAGS,
        description="`me` or an id: self, admins, the user's mentor and the corporate "
        "rep of the user's organization; 404 for anyone else.",
    )
    def get(self, request, user_id, *args, **kwargs):
        data = analytics.user_analytics_get(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        return Response(UserAnalyticsOutput(data).data)

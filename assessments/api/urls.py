from django.urls import re_path

from . import assessments, attempts, manual_grading, proctoring

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(
        rf"^courses/(?P<course_id>{ID})/assessments/?$",
        assessments.CourseAssessmentsView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/?$",
        assessments.AssessmentDetailView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/start/?$",
        attempts.AttemptStartView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/submit/?$",
        attempts.AttemptSubmitView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/results/?$",
        attempts.AssessmentResultsView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/?$", attempts.AttemptDetailView.as_view()
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/answers/?$",
        attempts.AttemptAnswersView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/grade/?$",
        manual_grading.AttemptGradeView.as_view(),
    ),
    re_path(r"^grading/queue/?$", manual_grading.GradingQueueView.as_view()),
    # Proctoring (assessments/api/proctoring.py)
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/proctoring/?$",
        proctoring.AssessmentProctoringView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/events/?$",
        proctoring.AttemptEventsView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/invalidate/?$",
        proctoring.AttemptInvalidateView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/proctor-session/reset/?$",
        proctoring.AttemptProctorSessionResetView.as_view(),
    ),
]

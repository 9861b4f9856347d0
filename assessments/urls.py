from django.urls import re_path

from . import api, proctoring_api

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(
        rf"^courses/(?P<course_id>{ID})/assessments/?$",
        api.CourseAssessmentsView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/?$", api.AssessmentDetailView.as_view()
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/start/?$",
        api.AttemptStartView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/submit/?$",
        api.AttemptSubmitView.as_view(),
    ),
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/results/?$",
        api.AssessmentResultsView.as_view(),
    ),
    re_path(rf"^attempts/(?P<attempt_id>{ID})/?$", api.AttemptDetailView.as_view()),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/answers/?$",
        api.AttemptAnswersView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/grade/?$", api.AttemptGradeView.as_view()
    ),
    re_path(r"^grading/queue/?$", api.GradingQueueView.as_view()),
    # Proctoring (assessments/proctoring_api.py)
    re_path(
        rf"^assessments/(?P<assessment_id>{ID})/proctoring/?$",
        proctoring_api.AssessmentProctoringView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/events/?$",
        proctoring_api.AttemptEventsView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/invalidate/?$",
        proctoring_api.AttemptInvalidateView.as_view(),
    ),
    re_path(
        rf"^attempts/(?P<attempt_id>{ID})/proctor-session/reset/?$",
        proctoring_api.AttemptProctorSessionResetView.as_view(),
    ),
]

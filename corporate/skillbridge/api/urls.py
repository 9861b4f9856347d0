from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"
COHORT = rf"^skillbridge/cohorts/(?P<cohort_id>{ID})"

urlpatterns = [
    re_path(r"^skillbridge/cohorts/?$", views.CohortListView.as_view()),
    re_path(rf"{COHORT}/?$", views.CohortDetailView.as_view()),
    re_path(rf"{COHORT}/participants/?$", views.ParticipantListView.as_view()),
    re_path(
        rf"{COHORT}/participants/(?P<participant_id>{ID})/?$",
        views.ParticipantDetailView.as_view(),
    ),
    re_path(
        rf"{COHORT}/participants/(?P<participant_id>{ID})/approval-document/?$",
        views.ApprovalDocumentView.as_view(),
    ),
    re_path(rf"{COHORT}/report/?$", views.ReportView.as_view()),
    re_path(rf"{COHORT}/roster/?$", views.RosterView.as_view()),
]

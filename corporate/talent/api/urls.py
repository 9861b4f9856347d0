from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"

urlpatterns = [
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/talent-profile/?$",
        views.TalentProfileView.as_view(),
    ),
    re_path(r"^talent/candidates/?$", views.CandidateListView.as_view()),
    re_path(
        rf"^talent/candidates/(?P<profile_id>{ID})/interest/?$",
        views.InterestCreateView.as_view(),
    ),
    re_path(r"^talent/interests/?$", views.InterestListView.as_view()),
    re_path(
        rf"^talent/interests/(?P<interest_id>{ID})/?$",
        views.InterestDetailView.as_view(),
    ),
    re_path(
        rf"^talent/interests/(?P<interest_id>{ID})/accept/?$",
        views.InterestRespondView.as_view(),
    ),
    re_path(
        rf"^talent/interests/(?P<interest_id>{ID})/decline/?$",
        views.InterestDeclineView.as_view(),
    ),
]

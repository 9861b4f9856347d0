from django.urls import re_path

from ..models import ROLE_ID_PATTERN
from . import views

urlpatterns = [
    re_path(r"^competencies/work-roles/?$", views.WorkRoleListView.as_view()),
    re_path(
        rf"^competencies/work-roles/(?P<role_id>{ROLE_ID_PATTERN})/?$",
        views.WorkRoleDetailView.as_view(),
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/competencies/?$",
        views.UserCompetenciesView.as_view(),
    ),
]

from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"
ORG = rf"^organizations/(?P<organization_id>{ID})"

urlpatterns = [
    re_path(r"^organizations/?$", views.OrganizationListView.as_view()),
    re_path(rf"{ORG}/?$", views.OrganizationDetailView.as_view()),
    re_path(rf"{ORG}/members/?$", views.MemberListView.as_view()),
    re_path(rf"{ORG}/members/(?P<user_id>{ID})/?$", views.MemberDetailView.as_view()),
    re_path(rf"{ORG}/seats/?$", views.SeatPoolListView.as_view()),
    re_path(rf"{ORG}/enrollments/?$", views.BulkEnrollmentView.as_view()),
    re_path(rf"{ORG}/reports/progress/?$", views.ProgressReportView.as_view()),
]

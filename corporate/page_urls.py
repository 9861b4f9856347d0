"""The representative's portal and the invitation link (rendered pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("organizations/", views.organization_index, name="organization-index"),
    # Not under organizations/<slug>/, where an organization could be called so.
    path("join/<str:token>/", views.invitation_accept, name="organization-invitation"),
    # Not under organizations/<slug>/ either: the member has no slug to name.
    path(
        "organization-memberships/<int:organization_id>/leave/",
        views.organization_leave,
        name="organization-leave",
    ),
    path(
        "organizations/<slug:slug>/",
        views.dashboard,
        name="organization-dashboard",
    ),
    path(
        "organizations/<slug:slug>/weekly-report/",
        views.weekly_report_toggle,
        name="organization-weekly-report",
    ),
    path(
        "organizations/<slug:slug>/members/",
        views.members,
        name="organization-members",
    ),
    path("organizations/<slug:slug>/seats/", views.seats, name="organization-seats"),
    path(
        "organizations/<slug:slug>/invitations/",
        views.invitations,
        name="organization-invitations",
    ),
    path("organizations/<slug:slug>/upload/", views.upload, name="organization-upload"),
    path(
        "organizations/<slug:slug>/jobs/<int:job_id>/",
        views.job_detail,
        name="organization-job",
    ),
    path(
        "organizations/<slug:slug>/reports/",
        views.reports,
        name="organization-reports",
    ),
    path(
        "organizations/<slug:slug>/reports/progress.<str:file_format>",
        views.report_download,
        name="organization-report-download",
    ),
]

from django.urls import re_path

from . import analytics, views

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(rf"^courses/(?P<course_id>{ID})/enroll/?$", views.EnrollView.as_view()),
    re_path(
        rf"^courses/(?P<course_id>{ID})/enrollments/?$",
        views.CourseEnrollmentsView.as_view(),
    ),
    re_path(
        rf"^enrollments/(?P<enrollment_id>{ID})/?$",
        views.EnrollmentDetailView.as_view(),
    ),
    re_path(
        rf"^courses/(?P<course_id>{ID})/progress/?$", views.CourseProgressView.as_view()
    ),
    re_path(
        rf"^courses/(?P<course_id>{ID})/modules/(?P<module_id>{ID})/progress/?$",
        views.ModuleProgressView.as_view(),
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/courses/?$",
        views.UserCoursesView.as_view(),
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/certificates/?$",
        views.UserCertificatesView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/?$",
        views.CertificateDetailView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/download/?$",
        views.CertificateDownloadView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/verify/?$",
        views.CertificateVerifyView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/revoke/?$",
        views.CertificateRevokeView.as_view(),
    ),
    re_path(r"^analytics/dashboard/?$", analytics.DashboardView.as_view()),
    re_path(
        rf"^analytics/courses/(?P<course_id>{ID})/?$",
        analytics.CourseAnalyticsView.as_view(),
    ),
    re_path(
        r"^analytics/users/(?P<user_id>me|[0-9]{1,20})/?$",
        analytics.UserAnalyticsView.as_view(),
    ),
]

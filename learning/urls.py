from django.urls import re_path

from . import analytics_api, api

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(rf"^courses/(?P<course_id>{ID})/enroll/?$", api.EnrollView.as_view()),
    re_path(
        rf"^courses/(?P<course_id>{ID})/progress/?$", api.CourseProgressView.as_view()
    ),
    re_path(
        rf"^courses/(?P<course_id>{ID})/modules/(?P<module_id>{ID})/progress/?$",
        api.ModuleProgressView.as_view(),
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/courses/?$", api.UserCoursesView.as_view()
    ),
    re_path(
        r"^users/(?P<user_id>me|[0-9]{1,20})/certificates/?$",
        api.UserCertificatesView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/?$",
        api.CertificateDetailView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/download/?$",
        api.CertificateDownloadView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/verify/?$",
        api.CertificateVerifyView.as_view(),
    ),
    re_path(
        rf"^certificates/(?P<certificate_id>{ID})/revoke/?$",
        api.CertificateRevokeView.as_view(),
    ),
    re_path(r"^analytics/dashboard/?$", analytics_api.DashboardView.as_view()),
    re_path(
        rf"^analytics/courses/(?P<course_id>{ID})/?$",
        analytics_api.CourseAnalyticsView.as_view(),
    ),
    re_path(
        r"^analytics/users/(?P<user_id>me|[0-9]{1,20})/?$",
        analytics_api.UserAnalyticsView.as_view(),
    ),
]

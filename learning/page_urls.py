"""Learner-facing pages of the learning app (not the API)."""

from django.urls import path

from . import views

urlpatterns = [
    path("learn/", views.my_learning, name="my-learning"),
    path("learn/courses/<int:course_id>/enroll/", views.enroll, name="course-enroll"),
    path(
        "learn/modules/<int:module_id>/complete/",
        views.complete_module,
        name="module-complete",
    ),
    path(
        "learn/certificates/<int:certificate_id>/",
        views.certificate_detail,
        name="certificate-detail",
    ),
    path(
        "learn/certificates/<int:certificate_id>/download/",
        views.certificate_download,
        name="certificate-download",
    ),
    path(
        "certificates/verify/<str:number>/",
        views.certificate_verify_page,
        name="certificate-verify",
    ),
]

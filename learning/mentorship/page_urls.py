"""Mentorship pages (not the API): /mentor/ for mentors, /mentoring/ for learners."""

from django.urls import path

from . import views

urlpatterns = [
    path("mentor/", views.mentor_portal, name="mentor-portal"),
    path("mentor/mentees/<int:mentee_id>/", views.mentee_detail, name="mentor-mentee"),
    path(
        "mentor/mentees/<int:mentee_id>/reviews/",
        views.review_create,
        name="mentor-review-create",
    ),
    path("mentor/availability/", views.availability, name="mentor-availability"),
    path(
        "mentor/availability/<int:slot_id>/delete/",
        views.slot_delete,
        name="mentor-slot-delete",
    ),
    path("mentoring/", views.mentoring_home, name="mentoring-home"),
    path("mentoring/book/", views.book, name="mentoring-book"),
    path("mentoring/request/", views.request_mentor, name="mentoring-request"),
    path("mentoring/settings/", views.settings_update, name="mentoring-settings"),
    path(
        "mentoring/reviews/<int:review_id>/acknowledge/",
        views.review_acknowledge,
        name="mentoring-review-acknowledge",
    ),
    path(
        "mentoring/sessions/<int:session_id>/",
        views.session_detail,
        name="mentoring-session",
    ),
    path(
        "mentoring/sessions/<int:session_id>/ics/",
        views.session_ics_download,
        name="mentoring-session-ics",
    ),
    path(
        "mentoring/calendar/<str:token>.ics",
        views.calendar_feed,
        name="mentoring-feed",
    ),
]

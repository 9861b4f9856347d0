"""Talent pages (not the API)."""

from django.urls import path

from . import views

urlpatterns = [
    path("learn/career/", views.career_profile, name="career-profile"),
    path(
        "learn/career/interests/<int:interest_id>/accept/",
        views.interest_answer,
        {"answer": "accept"},
        name="career-interest-accept",
    ),
    path(
        "learn/career/interests/<int:interest_id>/decline/",
        views.interest_answer,
        {"answer": "decline"},
        name="career-interest-decline",
    ),
    path("talent/", views.candidate_search, name="talent-candidates"),
    path(
        "talent/candidates/<int:profile_id>/interest/",
        views.interest_send,
        name="talent-interest-send",
    ),
]

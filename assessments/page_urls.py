"""Learner-facing pages of the assessments app (not the API)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "assessments/<int:assessment_id>/",
        views.take,
        name="assessment-take",
    ),
    path(
        "assessments/attempts/<int:attempt_id>/",
        views.attempt_result,
        name="assessment-attempt-result",
    ),
]

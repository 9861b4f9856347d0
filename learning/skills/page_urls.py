"""Learner-facing pages of the skills app (not the API)."""

from django.urls import path

from . import views

urlpatterns = [path("learn/skills/", views.my_skills, name="my-skills")]

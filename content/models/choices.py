"""Choices and limits shared by the course and module pages (and the API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_MINUTES = 100_000


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ModuleKind(models.TextChoices):
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    TEXT = "text", _("Text")
    INTERACTIVE = "interactive", _("Interactive")
    LAB = "lab", _("Lab")

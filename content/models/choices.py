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


class CompletionRule(models.TextChoices):
    """How a learner completes a module; the server enforces it
    (``learning.services.progress``)."""

    VIEW = "view", _("Viewed: the learner marks it complete")
    WATCH = "watch", _("Watched: 95 % of its video")
    PASS = "pass", _("Passed: its required assessment")
    FLAG = "flag", _("Captured: every flag of its lab")


# The rule a module gets when none is chosen, and the rules each kind allows.
DEFAULT_COMPLETION = {
    ModuleKind.VIDEO: CompletionRule.WATCH,
    ModuleKind.DOCUMENT: CompletionRule.VIEW,
    ModuleKind.TEXT: CompletionRule.VIEW,
    ModuleKind.INTERACTIVE: CompletionRule.PASS,
    ModuleKind.LAB: CompletionRule.FLAG,
}
ALLOWED_COMPLETION = {
    ModuleKind.VIDEO: {CompletionRule.WATCH, CompletionRule.PASS},
    ModuleKind.DOCUMENT: {CompletionRule.VIEW, CompletionRule.PASS},
    ModuleKind.TEXT: {CompletionRule.VIEW, CompletionRule.PASS},
    ModuleKind.INTERACTIVE: {CompletionRule.PASS},
    ModuleKind.LAB: {CompletionRule.FLAG},
}
# Rules by which something other than the learner (an assessment, a lab's flags)
# completes a module.
ASSESSED_COMPLETION = (CompletionRule.PASS, CompletionRule.FLAG)
# The share of a module's video a learner must have watched (``watch``).
WATCH_SHARE = 0.95

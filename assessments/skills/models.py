"""NICE Framework tags on assessment questions and lab flags.

A tag names a question of an assessment by its id (``q1``); a ``flag`` question is a
lab flag. Whether a tagged item *teaches* or *assesses* the statement is the
instructor's claim; what a learner demonstrated is read from graded attempts
(``assessments.skills.selectors.skill_evidence``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from learning.skills.models import Statement, TagPurpose


class QuestionStatementTag(models.Model):
    """A question (or lab flag) of an assessment tagged with a NICE statement."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="nice_tags"
    )
    question_id = models.CharField(max_length=64)
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="question_tags"
    )
    purpose = models.CharField(
        max_length=10, choices=TagPurpose.choices, default=TagPurpose.ASSESSES
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "question NICE tag"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_id", "statement"],
                name="assessment_skills_tag_unique",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=TagPurpose.values),
                name="assessment_skills_tag_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.question_id} → {self.statement.nice_id}"

"""Learner-side records. Enrollment and progress arrive with their issue; mentorship
is here now because access rules depend on it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class MentorAssignment(models.Model):
    """A mentor guides a learner. While the assignment is active the mentor may see the
    learner's profile and progress (a django-guardian object permission)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentee_assignments",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(ended_at__isnull=True),
                name="learning_one_active_assignment_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="learning_mentor_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee}"

"""Assessments (quizzes, exams, assignments, labs) and learners' attempts at them.

An assessment belongs to a course page and optionally to one of its modules; its
questions are authored JSON validated by ``assessments.questions``. An attempt keeps
the exact questions served (without answers), the learner's answers and the grade.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

QUESTION_SCHEMA_VERSION = 1


def new_flag_salt() -> str:
    return secrets.token_hex(16)


class AssessmentType(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    EXAM = "exam", _("Exam")
    ASSIGNMENT = "assignment", _("Assignment")
    LAB = "lab", _("Lab")


class Assessment(models.Model):
    """A graded check of a course (or of one module of it).

    ``questions`` holds the validated question list (flags only as salted hashes, see
    ``flag_salt``); ``schema_version`` says which question schema it follows. When
    ``required_for_completion`` is set, passing completes ``module`` for the learner,
    and the module cannot be completed by hand before that.
    """

    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="assessments"
    )
    module = models.ForeignKey(
        "content.ModulePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    title = models.CharField(max_length=255)
    assessment_type = models.CharField(
        max_length=20, choices=AssessmentType.choices, default=AssessmentType.QUIZ
    )
    schema_version = models.PositiveSmallIntegerField(default=QUESTION_SCHEMA_VERSION)
    questions = models.JSONField(default=list)
    passing_score = models.DecimalField(
        max_digits=5, decimal_places=2, help_text=_("Percent, 0 to 100.")
    )
    time_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Minutes; empty for no limit.")
    )
    max_attempts = models.PositiveSmallIntegerField(default=1)
    shuffle_questions = models.BooleanField(default=False)
    pool_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Serve this many questions drawn at random from the list."),
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    required_for_completion = models.BooleanField(default=False)
    show_answers_after_submit = models.BooleanField(
        default=False,
        help_text=_("Show the correct answers (never flags) in the feedback."),
    )
    proctored = models.BooleanField(
        default=False,
        help_text=_(
            "Exams only: one browser session per attempt, focus and clipboard events "
            "recorded for review."
        ),
    )
    lab_instructions = models.TextField(
        blank=True,
        help_text=_("Labs: how to reach the lab (a link or connection details)."),
    )
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Retired: hidden from learners; attempts and grades are kept."),
    )
    flag_salt = models.CharField(max_length=64, default=new_flag_salt, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(passing_score__gte=0) & Q(passing_score__lte=100),
                name="assessments_passing_score_range",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1), name="assessments_max_attempts_min"
            ),
            models.CheckConstraint(
                condition=Q(time_limit__isnull=True) | Q(time_limit__gte=1),
                name="assessments_time_limit_min",
            ),
            models.CheckConstraint(
                condition=Q(pool_size__isnull=True) | Q(pool_size__gte=1),
                name="assessments_pool_size_min",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="assessments_window_order",
            ),
            models.CheckConstraint(
                condition=Q(assessment_type__in=AssessmentType.values),
                name="assessments_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(proctored=False) | Q(assessment_type=AssessmentType.EXAM),
                name="assessments_proctored_exam_only",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    PENDING_REVIEW = "pending_review", _("Awaiting manual grading")
    GRADED = "graded", _("Graded")
    INVALIDATED = "invalidated", _("Invalidated")


class Attempt(models.Model):
    """One try of a learner at an assessment.

    ``questions`` is what was served (public fields only, in the order served);
    ``answer_key`` the served questions' full definitions, kept so the attempt is
    graded against what was served even if the assessment changes later. The answer
    key is never serialized to learners. ``results`` maps question id to its outcome.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessment_attempts",
    )
    attempt_number = models.PositiveSmallIntegerField()
    questions = models.JSONField(default=list)
    answer_key = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("Percent.")
    )
    passed = models.BooleanField(null=True, blank=True)
    results = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who graded the essays by hand (empty: graded automatically)."),
    )
    saved_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last autosave of answers in progress.")
    )
    late = models.BooleanField(default=False)
    # Proctoring: where the attempt started, and whether its events need review.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    flagged = models.BooleanField(default=False)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invalidation_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "attempt_number"],
                name="assessments_attempt_number_unique",
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(status="in_progress"),
                name="assessments_one_open_attempt",
            ),
            models.CheckConstraint(
                condition=Q(attempt_number__gte=1),
                name="assessments_attempt_number_min",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values),
                name="assessments_attempt_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="assessments_attempt_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["assessment", "status"]),
            models.Index(
                fields=["assessment"],
                condition=Q(flagged=True),
                name="assessments_attempt_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.attempt_number} on {self.assessment_id}"


class ProctorSession(models.Model):
    """The one browser session allowed to work on a proctored attempt.

    The client holds the raw token; only its SHA-256 is stored. A second session
    cannot open while one is active (partial unique index).
    """

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="proctor_sessions"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(ended_at__isnull=True),
                name="assessments_one_active_proctor_session",
            )
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of attempt {self.attempt_id}"


class ProctorEventKind(models.TextChoices):
    FOCUS_LOST = "focus_lost", _("Window lost focus")
    TAB_HIDDEN = "tab_hidden", _("Tab switched or hidden")
    COPY = "copy", _("Copy")
    PASTE = "paste", _("Paste")
    FULLSCREEN_EXIT = "fullscreen_exit", _("Left full screen")
    IP_CHANGED = "ip_changed", _("IP address changed")
    USER_AGENT_CHANGED = "user_agent_changed", _("Browser changed")
    SECOND_SESSION_REFUSED = "second_session_refused", _("Second session refused")
    SESSION_RESET = "session_reset", _("Session reset by staff")


class ProctorEvent(models.Model):
    """Something the proctoring client reported, or the server noticed."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="proctor_events"
    )
    session = models.ForeignKey(
        ProctorSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(max_length=32, choices=ProctorEventKind.choices)
    occurred_at = models.DateTimeField(help_text=_("Client clock, as reported."))
    recorded_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["attempt", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProctorEventKind.values),
                name="assessments_proctor_event_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on attempt {self.attempt_id}"

"""The NICE Workforce Framework for Cybersecurity (NIST SP 800-181r1 components) and
how the portal's content maps to it.

Every framework row names the framework version it came from, so a later version is
loaded beside an earlier one instead of over it. Statements are matched across
versions by their NICE id (``T0084``), which NIST keeps stable.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A NICE work role id, e.g. ``PD-WRL-003``.
ROLE_ID_PATTERN = r"[A-Z]{2}-WRL-[0-9]{3}"


class StatementKind(models.TextChoices):
    TASK = "task", _("Task")
    KNOWLEDGE = "knowledge", _("Knowledge")
    SKILL = "skill", _("Skill")


class TagPurpose(models.TextChoices):
    TEACHES = "teaches", _("Teaches")
    ASSESSES = "assesses", _("Assesses")


class FrameworkVersion(models.Model):
    """One loaded release of the NICE Framework components (e.g. ``2.1.0``), with the
    checksum of the file it was loaded from. ``current`` marks the version learners'
    coverage is measured against (exactly one at most)."""

    version = models.CharField(max_length=20, unique=True)
    document = models.CharField(max_length=64)
    source_file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["current"],
                condition=Q(current=True),
                name="skills_one_current_framework",
            )
        ]

    def __str__(self) -> str:
        return f"NICE Framework {self.version}"


class Category(models.Model):
    """A NICE work role category (OG, DD, IO, PD, IN)."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="categories"
    )
    nice_id = models.CharField(max_length=10)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["nice_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "nice_id"], name="skills_category_unique"
            )
        ]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.nice_id} {self.title}"


class Statement(models.Model):
    """A task, knowledge or skill statement (``T0084``, ``K1082``, ``S0432``)."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="statements"
    )
    nice_id = models.CharField(max_length=10)
    kind = models.CharField(max_length=10, choices=StatementKind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["nice_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "nice_id"], name="skills_statement_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StatementKind.values),
                name="skills_statement_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["nice_id"])]

    def __str__(self) -> str:
        return f"{self.nice_id}: {self.text}"


class WorkRole(models.Model):
    """A NICE work role (``PD-WRL-003`` Cyber Defense Analysis …) and the task,
    knowledge and skill statements it is made of."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="work_roles"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="work_roles"
    )
    nice_id = models.CharField(max_length=20)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    opm_code = models.CharField(max_length=10, blank=True)
    statements = models.ManyToManyField(
        Statement, through="WorkRoleStatement", related_name="work_roles"
    )

    class Meta:
        ordering = ["nice_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "nice_id"], name="skills_work_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nice_id} {self.title}"


class WorkRoleStatement(models.Model):
    """A statement belongs to a work role (NIST's role↔statement relationship)."""

    work_role = models.ForeignKey(
        WorkRole, on_delete=models.CASCADE, related_name="statement_links"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="role_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work_role", "statement"], name="skills_role_statement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_role_id} ∋ {self.statement_id}"


class ModuleStatementTag(models.Model):
    """An instructor's claim that a module teaches or assesses a statement."""

    module = models.ForeignKey(
        "content.ModulePage", on_delete=models.CASCADE, related_name="nice_tags"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="module_tags"
    )
    purpose = models.CharField(
        max_length=10, choices=TagPurpose.choices, default=TagPurpose.TEACHES
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
        verbose_name = _("module NICE tag")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "statement"], name="skills_module_tag_unique"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=TagPurpose.values),
                name="skills_module_tag_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.purpose} {self.statement.nice_id}"


class CourseWorkRole(models.Model):
    """The work role a person says a course primarily prepares for. The other roles a
    course shows are computed from its tags (``selectors.course_work_roles``)."""

    course = models.OneToOneField(
        "content.CoursePage", on_delete=models.CASCADE, related_name="nice_primary"
    )
    work_role = models.ForeignKey(
        WorkRole, on_delete=models.PROTECT, related_name="primary_for"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course work role")
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} → {self.work_role.nice_id}"

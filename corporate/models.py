"""Organizations that sponsor learners. Seats, bulk enrollment and reports arrive with
their issue; membership is here now because access rules depend on it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """An employer or sponsor whose representatives follow their members' learning."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(models.Model):
    """A person's place in one organization: a member (learner) or a representative."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

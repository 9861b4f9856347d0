"""Which Discord roles a course gives, and what the portal knows of each linked
Discord account. The link itself is django-allauth's ``SocialAccount`` (provider
``discord``, ``uid`` the Discord user id)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

snowflake = RegexValidator(
    r"^\d{15,20}$", _("A Discord role id: the 15 to 20 digits Discord shows.")
)


class CourseDiscordRoles(models.Model):
    """The guild roles a course gives its learners: one while enrolled, one once
    completed, one while a valid certificate is held (each optional). Every role
    named here is one the portal manages: the bot adds it to those who should have
    it and removes it from those who should not; roles named nowhere are never
    touched."""

    course = models.OneToOneField(
        "content.CoursePage", on_delete=models.CASCADE, related_name="discord_roles"
    )
    enrolled_role_id = models.CharField(
        _("role while enrolled"), max_length=20, blank=True, validators=[snowflake]
    )
    completed_role_id = models.CharField(
        _("role once completed"), max_length=20, blank=True, validators=[snowflake]
    )
    certified_role_id = models.CharField(
        _("role while certified"), max_length=20, blank=True, validators=[snowflake]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course's Discord roles")
        verbose_name_plural = _("courses' Discord roles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(
                    enrolled_role_id="", completed_role_id="", certified_role_id=""
                ),
                name="community_course_roles_name_one",
            )
        ]

    def __str__(self) -> str:
        return str(self.course)

    def role_ids(self) -> set[str]:
        return {
            role
            for role in (
                self.enrolled_role_id,
                self.completed_role_id,
                self.certified_role_id,
            )
            if role
        }


class MemberState(models.TextChoices):
    LINKED = "linked", _("Linked")
    UNLINKING = "unlinking", _("Unlinked: removing our roles")


class DiscordMember(models.Model):
    """A Discord account linked to a learner, as the bot last saw it: whether it
    is in the guild and which of our roles it held after the last sync. After
    unlinking the row stays (``unlinking``) until the bot has removed our roles,
    so a lost task is finished by the nightly reconcile."""

    discord_user_id = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="discord_members",
    )
    state = models.CharField(
        max_length=20, choices=MemberState.choices, default=MemberState.LINKED
    )
    in_guild = models.BooleanField(null=True)
    roles = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="linked"),
                name="community_one_linked_discord_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.discord_user_id

"""People: the user account (email login, one role) and its profile."""

import uuid
from pathlib import PurePath

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from portal.crypto.fields import EncryptedDateField, EncryptedTextField


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively, so they are stored lower-cased."""
    return (email or "").strip().lower()


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    INSTRUCTOR = "instructor", _("Instructor")
    MENTOR = "mentor", _("Mentor")
    ADMIN = "admin", _("Administrator")
    CORPORATE_REP = "corporate_rep", _("Corporate representative")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        Profile.objects.get_or_create(user=user)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        extra_fields["role"] = Role.ADMIN
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address and holds exactly one role.

    Names live here (not on the profile) because Django's and Wagtail's admin and
    allauth read ``first_name``/``last_name`` from the user model.
    """

    username = None
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    role = models.CharField(
        max_length=20, choices=Role.choices, default=Role.STUDENT, db_index=True
    )
    # Tokens issued and web sessions started before this moment are no longer valid
    # (set on password reset, role change, deactivation).
    sessions_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_session_auth_hash(self) -> str:
        # Web sessions carry this hash; folding in the revocation time ends every
        # session of the user when it changes, like a password change does.
        base = super().get_session_auth_hash()
        if self.sessions_revoked_at is None:
            return base
        return f"{base}:{self.sessions_revoked_at.timestamp():.6f}"

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


def avatar_upload_to(instance: "Profile", filename: str) -> str:
    # Never trust the client's file name for the path; keep only a short extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"avatars/{uuid.uuid4().hex}{suffix}"


class ClearanceLevel(models.TextChoices):
    """A U.S. security clearance a learner may state (veterans, career changers
    aiming at cleared jobs)."""

    NONE = "none", _("No clearance")
    PUBLIC_TRUST = "public_trust", _("Public Trust")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top Secret")
    TS_SCI = "ts_sci", _("Top Secret/SCI")


class Profile(models.Model):
    """What a person tells about themselves beyond sign-in data. The phone number,
    date of birth and clearance level are encrypted at rest (``portal.crypto``) and
    cannot be searched; the last two are shown to the person and administrators
    only."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(blank=True, max_length=5000)
    avatar = models.ImageField(upload_to=avatar_upload_to, blank=True)
    phone = EncryptedTextField(max_length=32, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    clearance_level = EncryptedTextField(
        max_length=20, choices=ClearanceLevel.choices, blank=True
    )
    organization_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class KnownDevice(models.Model):
    """A device a person has signed in from: a keyed hash of the browser's user
    agent and the network (IPv4 /24, IPv6 /48), so a new browser or a new place
    counts as new but a changing address inside one network does not. Neither the
    agent nor the address is stored in the clear; ``label`` ("Firefox on Linux")
    lets the person recognise it on their profile."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    fingerprint = models.CharField(max_length=64)
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Browser and system, e.g. Firefox on Linux.",
    )
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint"], name="accounts_known_device_unique"
            )
        ]

    def __str__(self) -> str:
        return f"device {self.fingerprint[:8]} of {self.user_id}"


class SessionKind(models.TextChoices):
    WEB = "web", _("Web session")
    API = "api", _("API token family")


class SessionEndReason(models.TextChoices):
    LOGOUT = "logout", _("Signed out")
    IDLE = "idle", _("Idle timeout")
    LIFETIME = "lifetime", _("Absolute lifetime reached")
    LIMIT = "limit", _("Ended by a newer sign-in (concurrent-session limit)")
    REVOKED = "revoked", _("Ended with every session of the user")
    REPLACED = "replaced", _("Replaced by a new sign-in in the same browser")
    EXPIRED = "expired", _("Gone from the session store")


class SignInSession(models.Model):
    """One sign-in of a person: a web session (``key`` is the id the portal keeps
    in the Django session) or an API token family (``key`` is the ``fam`` claim).
    What the session controls count and end (``services.session_controls``):
    concurrent sessions per role, and "sign out everywhere". Idle and absolute
    timeouts are measured on the session itself (its data, the token claims).

    ``session_key`` is the web session's key in the session store (encrypted: it is
    a credential), so that a newer sign-in can end it from another request."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sign_in_sessions"
    )
    kind = models.CharField(max_length=3, choices=SessionKind.choices)
    key = models.CharField(max_length=64)
    session_key = EncryptedTextField(blank=True)
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Browser and system, e.g. Firefox on Linux.",
    )
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(
        max_length=10, choices=SessionEndReason.choices, blank=True
    )

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], name="accounts_sign_in_session_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SessionKind.values),
                name="accounts_sign_in_session_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "started_at"],
                condition=models.Q(ended_at__isnull=True),
                name="accounts_live_sessions_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} session {self.pk} of {self.user_id}"

"""SCIM 2.0 provisioning (RFC 7643/7644): an organization's HR system (Okta, Entra ID)
creates, updates and deprovisions its staff here with a bearer token an admin issued.

The people themselves are portal users (``accounts.User``) and members of the
organization (``corporate.OrganizationMembership``); this app keeps only what SCIM
adds on top: the tokens, each organization's SCIM identity of a person (its ``id``,
``userName`` and ``externalId``, and whether the HR system has it active), and the
organization's SCIM groups (teams).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from corporate.models import Organization


class ScimToken(models.Model):
    """A bearer token that lets one organization's HR system provision its people.

    Only the SHA-256 of the token is stored: the token is shown once, when an admin
    issues it. ``prefix`` (the first characters) tells tokens apart in the admin.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Okta'.")
    prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SCIM token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.organization}"


class ScimIdentity(models.Model):
    """One organization's SCIM User resource: a person as its HR system knows them.

    ``scim_id`` is the resource's ``id``. ``active`` is what the HR system says;
    the account's own ``is_active`` follows it only as the deprovisioning rule in
    ``services`` decides (``deactivated_account`` remembers that this identity is
    what deactivated the account, so reactivation may undo only that).
    ``created_account`` tells that this organization's SCIM created the account
    (only then may SCIM change its e-mail address). A deleted resource keeps its
    row (``deleted_at``) so that the account's history stays explainable.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scim_identities",
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    # The label the HR system gave the address (work, home, other).
    email_type = models.CharField(max_length=20, blank=True)
    email_primary = models.BooleanField(null=True, blank=True)
    # None: the HR system never said (counts as active); False: deprovisioned.
    active = models.BooleanField(null=True, default=True)
    created_account = models.BooleanField(default=False)
    deactivated_account = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "SCIM identities"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="scim_identity_one_per_org"
            ),
            models.UniqueConstraint(
                Lower("user_name"),
                "organization",
                condition=models.Q(deleted_at__isnull=True),
                name="scim_identity_user_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} in {self.organization_id}"


class ScimGroup(models.Model):
    """An organization's SCIM Group: a team its HR system keeps (e.g. "SOC analysts").

    Groups grant nothing in the portal; they are the organization's own grouping of
    its members (for reports and filters). Members are the organization's SCIM
    identities.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_groups"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(
        ScimIdentity, related_name="scim_groups", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "display_name"])]

    def __str__(self) -> str:
        return self.display_name

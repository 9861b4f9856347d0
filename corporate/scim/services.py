"""Writes of SCIM provisioning: tokens, Users and Groups of one organization.

Every write is atomic and audit-logged (``scim.*`` actions, with the token's id;
the acting HR system has no portal account, so the entry has no user).

Deprovisioning (``active: false`` or DELETE) removes the person from the token's
organization (their enrollments, progress and certificates stay) and then:

- deactivates the account (``is_active=False``, which ends every web session and
  token through ``accounts.signals``) when the person belongs to no other
  organization and is not active in another organization's SCIM — one employer's
  HR system does not lock a person out of what another employer sponsors;
- otherwise leaves the account active.

Reactivation (``active: true``) adds the membership back and reactivates the
account only if this identity's deprovisioning is what deactivated it (an account
an admin disabled stays disabled).

A User whose e-mail is an existing account's is linked to it ("adopted") when that
account is a student's and active, or was deactivated by SCIM deprovisioning (a
person who left one employer and joins another; the account is reactivated);
staff accounts (instructors, mentors, admins, representatives) are never adopted,
so an HR system cannot take over or lock out the portal's staff. SCIM changes an
account's e-mail only when this organization's SCIM created the account.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from corporate.models import OrganizationMembership
from corporate.services import organization_member_add, organization_member_remove
from portal.accounts.models import Role, User, normalize_email
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput

from .models import ScimGroup, ScimIdentity, ScimToken
from .resources import GroupAttributes, UserAttributes
from .selectors import (
    scim_identities_by_ids,
    scim_token_hash,
    user_other_organizations_exist,
)

TOKEN_PREFIX = "scim_"  # noqa: S105  (a public marker, not a secret)


def _audit(
    *, action: str, token: ScimToken, resource_type: str, resource_id, **details
):
    audit_log_record(
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        details={
            "via": "scim",
            "organization_id": token.organization_id,
            "token_id": token.pk,
            **details,
        },
    )


@transaction.atomic
def scim_token_issue(
    *, organization_id: int, name: str, actor: User | None
) -> tuple[ScimToken, str]:
    """Issue a token for an organization. Returns the row and the token itself,
    which is shown once and never stored (only its SHA-256)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name the token (e.g. 'Okta').", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        organization_id=organization_id,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=scim_token_hash(raw=raw),
        created_by=actor,
    )
    audit_log_record(
        action="scim.token_issued",
        user=actor,
        resource_type="organization",
        resource_id=organization_id,
        details={"token_id": token.pk, "name": token.name},
    )
    return token, raw


@transaction.atomic
def scim_token_revoke(*, token: ScimToken, actor: User | None) -> ScimToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log_record(
            action="scim.token_revoked",
            user=actor,
            resource_type="organization",
            resource_id=token.organization_id,
            details={"token_id": token.pk},
        )
    return token


def scim_token_used(*, token: ScimToken) -> None:
    """Remember when a token was last used (at most one write a minute)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _membership(identity: ScimIdentity) -> OrganizationMembership | None:
    return (
        OrganizationMembership.objects.current()
        .filter(organization_id=identity.organization_id, user_id=identity.user_id)
        .first()
    )


def _provision(identity: ScimIdentity, token: ScimToken) -> None:
    """Make the person a member of the organization (and undo this identity's own
    deactivation of the account)."""
    user = identity.user
    if identity.deactivated_account and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        _audit(
            action="scim.account_reactivated",
            token=token,
            resource_type="user",
            resource_id=user.pk,
        )
    identity.deactivated_account = False
    if _membership(identity) is None:
        try:
            organization_member_add(organization=identity.organization, user=user)
        except Conflict:
            raise Conflict(
                "This person already belongs to another organization.",
                code="uniqueness",
            ) from None


def _deprovision(identity: ScimIdentity, token: ScimToken) -> None:
    """Remove the person from the organization; deactivate the account when no
    other organization holds them (see the module docstring)."""
    # The person's row is the lock (taken first): two organizations deprovisioning
    # them at once decide one after the other, so the second sees the first one's
    # removal.
    user = User.objects.select_for_update().get(pk=identity.user_id)
    identity.user = user
    membership = _membership(identity)
    if membership is not None:
        organization_member_remove(membership=membership)
    deactivate = (
        user.is_active
        and user.role == Role.STUDENT
        and not user_other_organizations_exist(identity=identity)
    )
    if deactivate:
        # Saving is_active=False ends every session and token (accounts.signals).
        user.is_active = False
        user.save(update_fields=["is_active"])
        identity.deactivated_account = True
    _audit(
        action="scim.user_deprovisioned",
        token=token,
        resource_type="user",
        resource_id=user.pk,
        account_deactivated=deactivate,
    )


def _adoptable(user: User) -> bool:
    """Whether an existing account may be linked; True when SCIM deprovisioning
    (of any organization) is what deactivated it, so provisioning may reactivate
    it (a person who left one employer and joins another)."""
    if user.role != Role.STUDENT:
        raise Conflict(
            "This e-mail address belongs to a staff account.", code="uniqueness"
        )
    if user.is_active:
        return False
    deactivated_by_scim = ScimIdentity.objects.filter(
        user=user, deactivated_account=True
    )
    if not deactivated_by_scim.exists():
        raise Conflict(
            "This e-mail address belongs to a disabled account.", code="uniqueness"
        )
    # This provisioning takes the reactivation over.
    deactivated_by_scim.update(deactivated_account=False)
    return True


def _user_name_taken(token: ScimToken, user_name: str, exclude_pk=None) -> bool:
    qs = ScimIdentity.objects.filter(
        organization_id=token.organization_id,
        deleted_at__isnull=True,
        user_name__iexact=user_name,
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _validate(attributes: UserAttributes) -> None:
    if not attributes.user_name:
        raise InvalidInput("userName is required.", field="userName")
    if len(attributes.user_name) > 255:
        raise InvalidInput("userName is too long.", field="userName")
    if len(attributes.external_id) > 255:
        raise InvalidInput("externalId is too long.", field="externalId")
    if len(attributes.email) > 254:
        raise InvalidInput("The e-mail address is too long.", field="emails")


def scim_user_create(*, token: ScimToken, attributes: UserAttributes) -> ScimIdentity:
    """Provision a User into the token's organization: create the account (a
    student with no usable password; they set one through password reset) or
    adopt an existing one, link it, and make it a member. 409 ``uniqueness`` for a
    taken ``userName`` or an account that cannot be adopted."""
    _validate(attributes)
    try:
        with transaction.atomic():
            return _user_create(token, attributes)
    except IntegrityError:
        # A racing request created the same userName or account first.
        raise Conflict(
            "A User with this userName or e-mail already exists.", code="uniqueness"
        ) from None


def _user_create(token: ScimToken, attributes: UserAttributes) -> ScimIdentity:
    if _user_name_taken(token, attributes.user_name):
        raise Conflict("A User with this userName exists.", code="uniqueness")
    email = normalize_email(attributes.email)
    user = User.objects.select_for_update().filter(email=email).first()
    created_account = user is None
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=None,
            first_name=attributes.given_name,
            last_name=attributes.family_name,
            role=Role.STUDENT,
        )
    reactivate = False if created_account else _adoptable(user)
    identity = ScimIdentity.objects.filter(
        organization_id=token.organization_id, user=user
    ).first()
    if identity is not None and identity.deleted_at is None:
        raise Conflict("This person is already a User here.", code="uniqueness")
    if identity is None:
        identity = ScimIdentity(organization_id=token.organization_id, user=user)
    else:  # a deleted User provisioned again: a new resource on the same row
        identity.scim_id = ScimIdentity._meta.get_field("scim_id").default()
        identity.deleted_at = None
        identity.created_at = timezone.now()
    identity.user_name = attributes.user_name
    identity.external_id = attributes.external_id
    identity.email_type = attributes.email_type
    identity.email_primary = attributes.email_primary
    identity.active = attributes.active
    identity.created_account = identity.created_account or created_account
    identity.deactivated_account = reactivate
    identity.save()
    _provision(identity, token)
    if attributes.active is False:
        _deprovision(identity, token)
    identity.save()
    _audit(
        action="scim.user_created",
        token=token,
        resource_type="user",
        resource_id=user.pk,
        scim_id=str(identity.scim_id),
        account_created=created_account,
    )
    return identity


def scim_user_update(
    *, token: ScimToken, identity: ScimIdentity, attributes: UserAttributes
) -> ScimIdentity:
    """Apply a replaced or patched User (the whole resource as it now stands)."""
    _validate(attributes)
    try:
        with transaction.atomic():
            return _user_update(token, identity, attributes)
    except IntegrityError:
        raise Conflict(
            "A User with this userName or e-mail already exists.", code="uniqueness"
        ) from None


def _user_update(
    token: ScimToken, identity: ScimIdentity, attributes: UserAttributes
) -> ScimIdentity:
    identity = (
        ScimIdentity.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=identity.pk)
    )
    user = identity.user
    if _user_name_taken(token, attributes.user_name, exclude_pk=identity.pk):
        raise Conflict("A User with this userName exists.", code="uniqueness")
    changed: list[str] = []
    email = normalize_email(attributes.email)
    if email != user.email:
        if not identity.created_account:
            raise InvalidInput(
                "The e-mail address of an account this organization did not "
                "create cannot be changed through SCIM.",
                code="mutability",
                field="emails",
            )
        if User.objects.filter(email=email).exclude(pk=user.pk).exists():
            raise Conflict(
                "Another account has this e-mail address.", code="uniqueness"
            )
        user.email = email
        changed.append("email")
    if attributes.given_name != user.first_name:
        user.first_name = attributes.given_name
        changed.append("first_name")
    if attributes.family_name != user.last_name:
        user.last_name = attributes.family_name
        changed.append("last_name")
    if changed:
        user.save(update_fields=changed)
    identity.user_name = attributes.user_name
    identity.external_id = attributes.external_id
    identity.email_type = attributes.email_type
    identity.email_primary = attributes.email_primary
    was_active = identity.active is not False
    identity.active = attributes.active
    if attributes.active is not False and not was_active:
        _provision(identity, token)
    elif attributes.active is False and was_active:
        _deprovision(identity, token)
    identity.save()
    _audit(
        action="scim.user_updated",
        token=token,
        resource_type="user",
        resource_id=user.pk,
        scim_id=str(identity.scim_id),
        fields=changed,
        active=identity.active,
    )
    return identity


@transaction.atomic
def scim_user_delete(*, token: ScimToken, identity: ScimIdentity) -> None:
    """DELETE: deprovision as ``active: false`` does and end the resource (a later
    GET is 404); the account's records stay."""
    identity = (
        ScimIdentity.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=identity.pk)
    )
    if identity.active is not False:
        identity.active = False
        _deprovision(identity, token)
    identity.scim_groups.clear()
    identity.deleted_at = timezone.now()
    identity.save()
    _audit(
        action="scim.user_deleted",
        token=token,
        resource_type="user",
        resource_id=identity.user_id,
        scim_id=str(identity.scim_id),
    )


def _group_members(token: ScimToken, attributes: GroupAttributes) -> list[ScimIdentity]:
    found = scim_identities_by_ids(
        organization=token.organization, scim_ids=attributes.member_ids
    )
    missing = [i for i in attributes.member_ids if i not in found]
    if missing:
        raise InvalidInput(
            f"Unknown member: {missing[0]}.", code="invalidValue", field="members"
        )
    return [found[i] for i in attributes.member_ids]


def _validate_group(attributes: GroupAttributes) -> None:
    if not attributes.display_name:
        raise InvalidInput("displayName is required.", field="displayName")
    if len(attributes.display_name) > 255 or len(attributes.external_id) > 255:
        raise InvalidInput(
            "displayName or externalId is too long.", field="displayName"
        )


@transaction.atomic
def scim_group_create(*, token: ScimToken, attributes: GroupAttributes) -> ScimGroup:
    _validate_group(attributes)
    members = _group_members(token, attributes)
    group = ScimGroup.objects.create(
        organization_id=token.organization_id,
        display_name=attributes.display_name,
        external_id=attributes.external_id,
    )
    group.members.set(members)
    _audit(
        action="scim.group_created",
        token=token,
        resource_type="scim_group",
        resource_id=group.pk,
        members=len(members),
    )
    return group


@transaction.atomic
def scim_group_update(
    *, token: ScimToken, group: ScimGroup, attributes: GroupAttributes
) -> ScimGroup:
    _validate_group(attributes)
    group = ScimGroup.objects.select_for_update().get(pk=group.pk)
    members = _group_members(token, attributes)
    before = set(group.members.values_list("pk", flat=True))
    group.display_name = attributes.display_name
    group.external_id = attributes.external_id
    group.save()
    group.members.set(members)
    after = {m.pk for m in members}
    _audit(
        action="scim.group_updated",
        token=token,
        resource_type="scim_group",
        resource_id=group.pk,
        members_added=len(after - before),
        members_removed=len(before - after),
    )
    return group


@transaction.atomic
def scim_group_delete(*, token: ScimToken, group: ScimGroup) -> None:
    _audit(
        action="scim.group_deleted",
        token=token,
        resource_type="scim_group",
        resource_id=group.pk,
    )
    group.delete()

from django.db import IntegrityError, transaction

from portal.accounts.models import Role, User
from portal.accounts.services import user_view_grant, user_view_revoke
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput

from .models import Organization, OrganizationMembership

Membership = OrganizationMembership


def _pairs(membership: Membership) -> list[tuple[User, User]]:
    """(viewer, member) pairs this membership creates: a representative sees every
    member; a member is seen by every representative."""
    others = (
        Membership.objects.filter(organization=membership.organization)
        .exclude(pk=membership.pk)
        .select_related("user")
    )
    if membership.role == Membership.Role.REPRESENTATIVE:
        return [
            (membership.user, m.user)
            for m in others
            if m.role == Membership.Role.MEMBER
        ]
    return [
        (m.user, membership.user)
        for m in others
        if m.role == Membership.Role.REPRESENTATIVE
    ]


@transaction.atomic
def organization_member_add(
    *,
    organization: Organization,
    user: User,
    role: str = Membership.Role.MEMBER,
    actor: User | None = None,
) -> Membership:
    """Add a person to an organization (one organization per person)."""
    if role == Membership.Role.REPRESENTATIVE and user.role != Role.CORPORATE_REP:
        raise InvalidInput(
            "Representatives must have the corporate_rep role.", field="role"
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organization=organization, user=user, role=role
            )
    except IntegrityError:
        raise Conflict("This person already belongs to an organization.") from None
    for viewer, member in _pairs(membership):
        user_view_grant(viewer=viewer, user=member)
    audit_log_record(
        action="organization.member_added",
        user=actor,
        resource_type="organization",
        resource_id=organization.pk,
        details={"user_id": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def organization_member_remove(
    *, membership: Membership, actor: User | None = None
) -> None:
    for viewer, member in _pairs(membership):
        user_view_revoke(viewer=viewer, user=member)
    audit_log_record(
        action="organization.member_removed",
        user=actor,
        resource_type="organization",
        resource_id=membership.organization_id,
        details={"user_id": membership.user_id},
    )
    membership.delete()

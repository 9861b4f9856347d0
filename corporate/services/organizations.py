"""Organizations, their members and representatives, and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CoursePage
from portal.accounts.models import Role, User, normalize_email
from portal.accounts.permissions import is_admin
from portal.accounts.services import user_register, user_view_grant, user_view_revoke
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.notifications.services import notify

from ..models import Invitation, Organization, OrganizationMembership
from ..selectors import own_membership

Membership = OrganizationMembership

PROFILE_FIELDS = ("name", "contact_email", "description")


def _audit(action: str, *, actor: User | None, organization_id: int, **details):
    audit_log_record(
        action=action,
        user=actor,
        resource_type="organization",
        resource_id=organization_id,
        details=details,
    )


# --- Organizations -----------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    actor: User,
    name: str,
    slug: str,
    contact_email: str = "",
    description: str = "",
    representative_ids: list[int] | None = None,
) -> Organization:
    """Create an organization (admins only) and name its representatives (users who
    hold the corporate_rep role)."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators create organizations.")
    if Organization.objects.filter(slug=slug).exists():
        raise InvalidInput("This slug is taken.", field="slug")
    try:
        with transaction.atomic():
            organization = Organization.objects.create(
                name=name,
                slug=slug,
                contact_email=contact_email,
                description=description,
            )
    except IntegrityError:
        raise InvalidInput("This slug is taken.", field="slug") from None
    _audit("organization.created", actor=actor, organization_id=organization.pk)
    for user_id in representative_ids or []:
        rep = User.objects.filter(pk=user_id).first()
        if rep is None:
            raise InvalidInput(
                f"No user with id {user_id}.", field="representative_ids"
            )
        if rep.role != Role.CORPORATE_REP:
            raise InvalidInput(
                f"User {user_id} does not have the corporate_rep role.",
                field="representative_ids",
            )
        organization_member_add(
            organization=organization,
            user=rep,
            role=Membership.Role.REPRESENTATIVE,
            actor=actor,
        )
    return organization


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: dict
) -> Organization:
    """Change profile fields (``PROFILE_FIELDS``); admins may also change ``slug``."""
    changed = [f for f in PROFILE_FIELDS if f in data]
    if "slug" in data:
        if not is_admin(actor):
            raise PermissionDenied("Only administrators change the slug.")
        if (
            Organization.objects.filter(slug=data["slug"])
            .exclude(pk=organization.pk)
            .exists()
        ):
            raise InvalidInput("This slug is taken.", field="slug")
        changed.append("slug")
    for field in changed:
        setattr(organization, field, data[field])
    if changed:
        organization.save(update_fields=changed)
        _audit(
            "organization.updated",
            actor=actor,
            organization_id=organization.pk,
            fields=changed,
        )
    return organization


# --- Members -----------------------------------------------------------------------


def _pairs(membership: Membership) -> list[tuple[User, User]]:
    """(viewer, member) pairs this membership creates: a representative sees every
    current member; a member is seen by every current representative."""
    others = (
        Membership.objects.current()
        .filter(organization=membership.organization)
        .exclude(pk=membership.pk)
        .exclude(user=membership.user)
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


def _still_linked(viewer: User, member: User) -> bool:
    """Whether ``viewer`` still represents an organization ``member`` belongs to."""
    represented = Membership.objects.current().filter(
        user=viewer, role=Membership.Role.REPRESENTATIVE
    )
    return (
        Membership.objects.current()
        .filter(
            user=member,
            role=Membership.Role.MEMBER,
            organization_id__in=represented.values("organization_id"),
        )
        .exists()
    )


@transaction.atomic
def organization_member_add(
    *,
    organization: Organization,
    user: User,
    role: str = Membership.Role.MEMBER,
    actor: User | None = None,
) -> Membership:
    """Add a person to an organization. A person may belong to several
    organizations, but holds one current membership in each (``Conflict``)."""
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
        raise Conflict(
            "This person already belongs to this organization.", code="ALREADY_MEMBER"
        ) from None
    for viewer, member in _pairs(membership):
        user_view_grant(viewer=viewer, user=member)
    _audit(
        "organization.member_added",
        actor=actor,
        organization_id=organization.pk,
        user_id=user.pk,
        role=role,
    )
    return membership


@transaction.atomic
def organization_member_remove(
    *, membership: Membership, actor: User | None = None
) -> Membership:
    """End a membership: the account and its records stay, and the row keeps the
    period (``left_at``); from now on the person is out of the organization's
    members and reports, and its representatives no longer see them."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_at is not None:
        return membership
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    for viewer, member in _pairs(membership):
        if not _still_linked(viewer, member):
            user_view_revoke(viewer=viewer, user=member)
    _audit(
        "organization.member_removed",
        actor=actor,
        organization_id=membership.organization_id,
        user_id=membership.user_id,
    )
    return membership


@transaction.atomic
def organization_leave(*, actor: User, organization_id: int) -> Membership:
    """A member leaves an organization herself (a representative may have added
    her without asking): as ``organization_member_remove``, from then on its
    representatives no longer see her progress. Representatives are removed by
    administrators, not by leaving. ``NotFound`` when she is not a current member.
    The organization may add her again; she is told by e-mail each time."""
    membership = own_membership(user=actor, organization_id=organization_id)
    if membership is None:
        raise NotFound("You are not a member of this organization.")
    return organization_member_remove(membership=membership, actor=actor)


@transaction.atomic
def representative_preferences_set(
    *, actor: User, organization: Organization, weekly_report: bool
) -> Membership:
    """A representative turns her weekly progress e-mail on or off."""
    membership = (
        Membership.objects.current()
        .filter(
            organization=organization,
            user=actor,
            role=Membership.Role.REPRESENTATIVE,
        )
        .first()
    )
    if membership is None:
        raise NotFound("You do not represent this organization.")
    membership.weekly_report = weekly_report
    membership.save(update_fields=["weekly_report"])
    return membership


# --- Invitations -------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(*, token: str) -> str:
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{site}/join/{token}/"


@transaction.atomic
def member_add_or_invite(
    *,
    actor: User,
    organization: Organization,
    email: str,
    first_name: str = "",
    last_name: str = "",
    course: CoursePage | None = None,
) -> Membership | Invitation:
    """``POST /organizations/{id}/members``: a person with an account joins at once
    (and is told by e-mail); anyone else gets an invitation e-mail whose link creates
    an account or attaches the signed-in one. An open invitation to the same address
    is renewed (new link, new expiry) rather than duplicated.

    Invitees without an account get the mail directly through Django's mail API
    (``corporate.send_invitation``): ``notify`` needs a user, and no placeholder
    account is created for someone who has not said yes."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership = organization_member_add(
            organization=organization, user=user, actor=actor
        )
        notify(
            user=user,
            event="corporate.member_added",
            payload={"organization": organization.name},
        )
        return membership
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            organization=organization,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    if invitation is None:
        invitation = Invitation(organization=organization, email=email)
    invitation.first_name = first_name or invitation.first_name
    invitation.last_name = last_name or invitation.last_name
    invitation.course = course or invitation.course
    invitation.token_hash = _token_hash(token)
    invitation.invited_by = actor
    invitation.expires_at = expires_at
    invitation.save()
    _audit(
        "organization.member_invited",
        actor=actor,
        organization_id=organization.pk,
        invitation_id=invitation.pk,
    )
    from ..tasks import send_invitation

    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation.delay(invitation_id, token))
    return invitation


def invitation_get_open(*, token: str) -> Invitation:
    """The open, unexpired invitation of this link; ``NotFound`` otherwise."""
    invitation = (
        Invitation.objects.select_related("organization", "course")
        .filter(
            token_hash=_token_hash(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation does not exist, was used or has expired.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """The signed-in ``user`` takes the invitation: she joins the organization (and
    the invitation's course on a seat, if one is left)."""
    invitation = invitation_get_open(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise NotFound("This invitation was already used.")
    membership = (
        Membership.objects.current()
        .filter(organization=invitation.organization, user=user)
        .first()
    ) or organization_member_add(
        organization=invitation.organization, user=user, actor=user
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.course_id:
        from .seats import seat_enroll_if_possible

        seat_enroll_if_possible(
            actor=invitation.invited_by or user,
            organization=invitation.organization,
            user=user,
            course_id=invitation.course_id,
        )
    return membership


@transaction.atomic
def invitation_accept_with_account(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Create the invitee's account (the invitation's address) and accept."""
    invitation = invitation_get_open(token=token)
    user = user_register(
        email=invitation.email,
        password=password,
        first_name=first_name or invitation.first_name,
        last_name=last_name or invitation.last_name,
    )
    invitation_accept(token=token, user=user)
    return user


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _audit(
            "organization.invitation_revoked",
            actor=actor,
            organization_id=invitation.organization_id,
            invitation_id=invitation.pk,
        )
    return invitation

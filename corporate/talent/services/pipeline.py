"""Writes of the talent pipeline; every step is audit-logged."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from corporate.models import OrganizationMembership
from learning.skills.models import WorkRole
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.notifications.services import notify
from portal.privacy.models import ConsentPurpose, ConsentSource
from portal.privacy.services import consent_record

from ..models import Interest, InterestStatus, TalentProfile
from ..selectors import visible_profile_get

PROFILE_FIELDS = (
    "visible",
    "headline",
    "location",
    "availability_date",
    "separation_date",
    "clearance_level",
)
MAX_TARGET_ROLES = 10


def _notify(*, user: User, event: str, payload: dict) -> None:
    """Tell ``user`` about ``event`` (``portal.notifications``: recorded now,
    delivered after commit); the one place this app notifies people."""
    notify(user=user, event=event, payload=payload)


@transaction.atomic
def talent_profile_update(*, actor: User, data: dict) -> TalentProfile:
    """Create or partly update ``actor``'s profile: the keys of ``data`` among
    ``PROFILE_FIELDS`` and ``target_roles`` (NICE ids of the current version).
    Switching ``visible`` records the talent-pipeline consent (``portal.privacy``).
    Errors: 400 an unknown work role or more than ``MAX_TARGET_ROLES``."""
    profile, created = TalentProfile.objects.select_for_update().get_or_create(
        user=actor
    )
    before = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.save()
    changed = [
        name for name in PROFILE_FIELDS if getattr(profile, name) != before[name]
    ]
    if "target_roles" in data:
        wanted = list(dict.fromkeys(data["target_roles"]))
        if len(wanted) > MAX_TARGET_ROLES:
            raise InvalidInput(
                f"At most {MAX_TARGET_ROLES} target work roles.", field="target_roles"
            )
        roles = list(
            WorkRole.objects.filter(framework__current=True, nice_id__in=wanted)
        )
        unknown = sorted(set(wanted) - {r.nice_id for r in roles})
        if unknown:
            raise InvalidInput(
                f"Unknown work role: {', '.join(unknown)}.", field="target_roles"
            )
        previous = set(profile.target_roles.values_list("nice_id", flat=True))
        profile.target_roles.set(roles)
        if previous != set(wanted):
            changed.append("target_roles")
    if "visible" in changed or (created and profile.visible):
        # Showing the profile to employers is the talent-pipeline consent; hiding
        # it withdraws it. The ledger keeps each choice (``portal.privacy``).
        consent_record(
            user=actor,
            purpose=ConsentPurpose.TALENT_PIPELINE,
            granted=profile.visible,
            source=ConsentSource.TALENT_PROFILE,
        )
    if created or changed:
        audit_log_record(
            action="talent.profile_created" if created else "talent.profile_updated",
            user=actor,
            resource_type="talent_profile",
            resource_id=profile.pk,
            details={"changed": changed, "visible": profile.visible},
        )
    return profile


def talent_search_record(*, actor: User, filters: dict, results: int) -> None:
    """Audit a representative's candidate search (filters and how many matched)."""
    audit_log_record(
        action="talent.candidates_searched",
        user=actor,
        resource_type="talent_search",
        details={"filters": filters, "results": results},
    )


def _representative_membership(actor: User) -> OrganizationMembership:
    membership = (
        OrganizationMembership.objects.filter(
            user=actor, role=OrganizationMembership.Role.REPRESENTATIVE
        )
        .select_related("organization")
        .first()
    )
    if effective_role(actor) != Role.CORPORATE_REP or membership is None:
        raise PermissionDenied(
            "Only a representative of an organization may contact candidates."
        )
    return membership


@transaction.atomic
def interest_send(*, actor: User, profile_id: int, message: str) -> Interest:
    """A representative asks to get in touch with a visible candidate; the learner
    is notified. Errors: 403 not a representative of an organization; 404 the
    profile is hidden or unknown; 409 an interest of this representative is still
    pending."""
    membership = _representative_membership(actor)
    profile = visible_profile_get(profile_id=profile_id)
    if profile.user_id == actor.pk:
        raise NotFound("Candidate not found.")
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                profile=profile,
                representative=actor,
                organization=membership.organization,
                message=message,
            )
    except IntegrityError:
        raise Conflict(
            "You already asked this candidate; wait for the answer."
        ) from None
    audit_log_record(
        action="talent.interest_sent",
        user=actor,
        resource_type="talent_interest",
        resource_id=interest.pk,
        details={
            "profile_id": profile.pk,
            "organization_id": membership.organization_id,
        },
    )
    _notify(
        user=profile.user,
        event="talent.interest_received",
        payload={
            "interest_id": interest.pk,
            "organization": membership.organization.name,
            "representative": actor.first_name,
            "message": message,
        },
    )
    return interest


@transaction.atomic
def interest_respond(*, actor: User, interest_id: int, accept: bool) -> Interest:
    """The learner accepts (their name and e-mail become visible to the
    representative who asked) or declines. Errors: 404 not the learner's interest;
    409 already answered."""
    interest = (
        Interest.objects.select_for_update()
        .filter(pk=interest_id, profile__user=actor)
        .first()
    )
    if interest is None:
        raise NotFound("Interest not found.")
    if interest.status != InterestStatus.PENDING:
        raise Conflict(f"This interest was already {interest.status}.")
    interest.status = InterestStatus.ACCEPTED if accept else InterestStatus.DECLINED
    interest.responded_at = timezone.now()
    interest.save(update_fields=["status", "responded_at"])
    audit_log_record(
        action=f"talent.interest_{interest.status}",
        user=actor,
        resource_type="talent_interest",
        resource_id=interest.pk,
        details={
            "representative_id": interest.representative_id,
            "organization_id": interest.organization_id,
            "contact_shared": accept,
        },
    )
    _notify(
        user=interest.representative,
        event=f"talent.interest_{interest.status}",
        payload={"interest_id": interest.pk, "candidate": actor.first_name},
    )
    return interest

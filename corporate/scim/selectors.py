"""Reads for the SCIM endpoints, each scoped to the token's organization in the
query: another organization's resources are never loaded, so they are 404."""

from __future__ import annotations

import hashlib
import uuid

from django.db.models import Prefetch, QuerySet

from corporate.models import Organization, OrganizationMembership

from .filters import filter_q
from .models import ScimGroup, ScimIdentity, ScimToken


def scim_token_hash(*, raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def scim_token_get(*, raw: str) -> ScimToken | None:
    """The live token whose hash matches, with its organization; else None."""
    if not raw or len(raw) > 200:
        return None
    return (
        ScimToken.objects.select_related("organization")
        .filter(token_hash=scim_token_hash(raw=raw), revoked_at__isnull=True)
        .first()
    )


def _live_identities(organization: Organization) -> QuerySet[ScimIdentity]:
    return ScimIdentity.objects.filter(
        organization=organization, deleted_at__isnull=True
    )


def _with_user_data(qs: QuerySet[ScimIdentity]) -> QuerySet[ScimIdentity]:
    return qs.select_related("user").prefetch_related(
        Prefetch("scim_groups", queryset=ScimGroup.objects.order_by("id"))
    )


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def scim_identity_list(
    *, organization: Organization, filter_expression: str | None = None
) -> QuerySet[ScimIdentity]:
    """The organization's Users, filtered; ``InvalidFilterException`` for a bad
    filter."""
    qs = _live_identities(organization)
    if filter_expression:
        q = filter_q(expression=filter_expression, resource_type="User")
        qs = qs.filter(pk__in=_live_identities(organization).filter(q).values("pk"))
    return _with_user_data(qs).order_by("id")


def scim_identity_get(
    *, organization: Organization, scim_id: str
) -> ScimIdentity | None:
    key = _as_uuid(scim_id)
    if key is None:
        return None
    return _with_user_data(_live_identities(organization)).filter(scim_id=key).first()


def scim_identities_by_ids(
    *, organization: Organization, scim_ids: tuple[str, ...]
) -> dict[str, ScimIdentity]:
    keys = [k for k in (_as_uuid(i) for i in scim_ids) if k is not None]
    return {
        str(identity.scim_id): identity
        for identity in _live_identities(organization).filter(scim_id__in=keys)
    }


def _groups(organization: Organization) -> QuerySet[ScimGroup]:
    return ScimGroup.objects.filter(organization=organization).prefetch_related(
        Prefetch(
            "members",
            queryset=ScimIdentity.objects.filter(deleted_at__isnull=True).order_by(
                "id"
            ),
        )
    )


def scim_group_list(
    *, organization: Organization, filter_expression: str | None = None
) -> QuerySet[ScimGroup]:
    qs = _groups(organization)
    if filter_expression:
        q = filter_q(expression=filter_expression, resource_type="Group")
        matching = ScimGroup.objects.filter(organization=organization).filter(q)
        qs = qs.filter(pk__in=matching.values("pk"))
    return qs.order_by("id")


def scim_group_get(*, organization: Organization, scim_id: str) -> ScimGroup | None:
    key = _as_uuid(scim_id)
    if key is None:
        return None
    return _groups(organization).filter(scim_id=key).first()


def user_other_organizations_exist(*, identity: ScimIdentity) -> bool:
    """Whether the person belongs to (or is active through SCIM in) an organization
    other than the identity's."""
    user = identity.user
    return (
        OrganizationMembership.objects.current()
        .filter(user=user)
        .exclude(organization_id=identity.organization_id)
        .exists()
        or ScimIdentity.objects.filter(user=user, deleted_at__isnull=True)
        .exclude(active=False)
        .exclude(pk=identity.pk)
        .exists()
    )

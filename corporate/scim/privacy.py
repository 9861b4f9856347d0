"""This app's answers to the personal-data extension points (``portal.hooks``):
how organizations' HR systems know a person (SCIM identities), and the SCIM
tokens an administrator issued.

Erasure deletes the person's SCIM identities (their user names are often e-mail
addresses): an HR system that still lists the person gets 404 for the old
resource, and provisioning them again creates a new account."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import ScimIdentity, ScimToken

RELATIONS = ("corporate_scim.ScimToken.created_by", "corporate_scim.ScimIdentity.user")


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "scim.identities": list(
            ScimIdentity.objects.filter(user=user).values(
                "organization__name",
                "user_name",
                "external_id",
                "email_type",
                "active",
                "created_at",
                "deleted_at",
            )
        ),
        "scim.tokens_issued": list(
            ScimToken.objects.filter(created_by=user).values(
                "name", "prefix", "created_at", "revoked_at"
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    identities = ScimIdentity.objects.filter(user=user)
    rows = identities.count()
    identities.delete()
    return [
        Erasure("corporate_scim.ScimIdentity", Erasure.DELETED, rows),
        Erasure(
            "corporate_scim.ScimToken",
            Erasure.KEPT,
            ScimToken.objects.filter(created_by=user).count(),
            "Tokens the person issued as an administrator are the organizations'.",
        ),
    ]

"""This app's answers to the personal-data extension points (``portal.hooks``):
the career profile, interest requests received and sent, and the reaction to a
withdrawn talent-pipeline consent (``portal.hooks.CONSENT_CHANGED``)."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import Interest, TalentProfile

RELATIONS = ("talent.TalentProfile.user", "talent.Interest.representative")
TALENT_PIPELINE = "talent_pipeline"


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    profile = TalentProfile.objects.filter(user=user).first()
    return {
        "talent.profile": [
            {
                "visible": profile.visible,
                "headline": profile.headline,
                "location": profile.location,
                "availability_date": profile.availability_date,
                "separation_date": profile.separation_date,
                "clearance_level": profile.clearance_level,
                "target_roles": list(
                    profile.target_roles.values_list("nice_id", flat=True)
                ),
                "created_at": profile.created_at,
                "updated_at": profile.updated_at,
            }
        ]
        if profile
        else [],
        "talent.interests_received": list(
            Interest.objects.filter(profile__user=user)
            .order_by("created_at")
            .values(
                "organization__name", "message", "status", "created_at", "responded_at"
            )
        ),
        "talent.interests_sent": list(
            Interest.objects.filter(representative=user)
            .order_by("created_at")
            .values("profile_id", "message", "status", "created_at", "responded_at")
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    received = Interest.objects.filter(profile__user=user).count()
    profiles = TalentProfile.objects.filter(user=user)
    profile_rows = profiles.count()
    profiles.delete()
    sent = Interest.objects.filter(representative=user)
    sent_rows = sent.count()
    sent.delete()
    return [
        Erasure("talent.TalentProfile", Erasure.DELETED, profile_rows),
        Erasure("talent.Interest", Erasure.DELETED, received + sent_rows),
    ]


def hide_profile_without_consent(*, user, purpose: str, granted: bool) -> None:
    """A withdrawn talent-pipeline consent takes the career profile out of every
    representative's search at once."""
    if purpose == TALENT_PIPELINE and not granted:
        TalentProfile.objects.filter(user=user, visible=True).update(visible=False)

"""This app's answers to the personal-data extension points (``portal.hooks``):
memberships in organizations, invitations, seats.

Erasure ends the person's place in every organization (memberships and the
invitations addressed to them are deleted). Seats an organization paid for and
assigned to the person stay, pointing at the anonymized account: they are the
organization's billing record."""

from __future__ import annotations

from django.db.models import Q

from portal.hooks import Erasure, ErasureSteps, personal_data_covers

from .models import Invitation, OrganizationMembership, SeatAssignment, SeatPool

RELATIONS = (
    "corporate.OrganizationMembership.user",
    "corporate.Invitation.invited_by",
    "corporate.Invitation.accepted_by",
    "corporate.SeatPool.created_by",
    "corporate.SeatAssignment.user",
    "corporate.SeatAssignment.assigned_by",
)


def _invitations_to(user):
    return Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=user.email))


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "corporate.memberships": list(
            OrganizationMembership.objects.filter(user=user)
            .order_by("joined_at")
            .values(
                "organization__name", "role", "joined_at", "left_at", "weekly_report"
            )
        ),
        "corporate.invitations_received": list(
            _invitations_to(user)
            .order_by("created_at")
            .values(
                "organization__name",
                "email",
                "first_name",
                "last_name",
                "course_id",
                "created_at",
                "accepted_at",
                "revoked_at",
            )
        ),
        "corporate.invitations_sent": list(
            Invitation.objects.filter(invited_by=user)
            .order_by("created_at")
            .values("organization__name", "created_at", "accepted_at", "revoked_at")
        ),
        "corporate.seats": list(
            SeatAssignment.objects.filter(user=user)
            .order_by("assigned_at")
            .values(
                "pool__organization__name",
                "pool__course_id",
                "assigned_at",
                "released_at",
            )
        ),
        "corporate.seats_managed": list(
            SeatAssignment.objects.filter(assigned_by=user).values("id", "assigned_at")
        )
        + list(SeatPool.objects.filter(created_by=user).values("id", "created_at")),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    steps = ErasureSteps()

    steps.delete(
        "corporate.OrganizationMembership",
        OrganizationMembership.objects.filter(user=user),
    )
    steps.delete("corporate.Invitation", _invitations_to(user))
    steps += [
        Erasure(
            "corporate.SeatAssignment",
            Erasure.KEPT,
            SeatAssignment.objects.filter(user=user).count(),
            "Seats are the organization's billing record (it bought them); they "
            "point at the anonymized account and its kept enrollment.",
        ),
        Erasure(
            "corporate.Invitation",
            Erasure.KEPT,
            Invitation.objects.filter(invited_by=user).count(),
            "Invitations the person sent as a representative are the invitees' and "
            "the organization's.",
        ),
        Erasure(
            "corporate.SeatPool",
            Erasure.KEPT,
            SeatPool.objects.filter(created_by=user).count()
            + SeatAssignment.objects.filter(assigned_by=user).count(),
            "Seat pools and assignments the person managed as staff are the "
            "organization's.",
        ),
    ]
    return steps

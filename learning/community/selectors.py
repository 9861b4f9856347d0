"""Reads: who is linked to which Discord account, which roles the portal manages,
and which of them a learner should hold now."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from learning.models import Certificate, Enrollment, EnrollmentStatus
from portal.accounts.models import User

from .models import CourseDiscordRoles, DiscordMember, MemberState

PROVIDER = "discord"


def discord_account_get(*, user: User) -> SocialAccount | None:
    """``user``'s own linked Discord account (only ever their own: there is no way
    to ask for someone else's)."""
    if not user.is_authenticated:
        return None
    return (
        SocialAccount.objects.filter(user=user, provider=PROVIDER)
        .order_by("pk")
        .first()
    )


def discord_account_name(account: SocialAccount) -> str:
    """The name Discord shows for the account (its display name, else its
    username), from what OAuth returned at linking."""
    data = account.extra_data if isinstance(account.extra_data, dict) else {}
    name = data.get("global_name") or data.get("username") or ""
    discriminator = str(data.get("discriminator") or "0")
    if name and discriminator not in ("0", "0000") and not data.get("global_name"):
        name = f"{name}#{discriminator}"
    return name or account.uid


def discord_member_for(*, discord_user_id: str) -> DiscordMember | None:
    return DiscordMember.objects.filter(discord_user_id=discord_user_id).first()


def discord_is_linked(*, user_id: int) -> bool:
    return SocialAccount.objects.filter(user_id=user_id, provider=PROVIDER).exists()


def linked_accounts() -> QuerySet:
    """``(user_id, discord user id)`` of every linked account."""
    return (
        SocialAccount.objects.filter(provider=PROVIDER)
        .order_by("user_id")
        .values_list("user_id", "uid")
    )


def members_to_strip() -> QuerySet[DiscordMember]:
    """Discord accounts whose roles are still to be removed: unlinked, or whose
    link (or account) disappeared without the portal hearing of it."""
    linked = SocialAccount.objects.filter(
        provider=PROVIDER, uid=OuterRef("discord_user_id"), user_id=OuterRef("user_id")
    )
    return DiscordMember.objects.filter(
        Q(state=MemberState.UNLINKING) | ~Exists(linked)
    ).order_by("pk")


def managed_role_ids() -> set[str]:
    """Every role a course names: the only roles the bot adds or removes."""
    managed: set[str] = set()
    for row in CourseDiscordRoles.objects.values_list(
        "enrolled_role_id", "completed_role_id", "certified_role_id"
    ):
        managed.update(role for role in row if role)
    return managed


def desired_role_ids(*, user_id: int) -> set[str]:
    """The roles ``user_id`` should hold now, in one query whatever the number of
    courses: a course's *enrolled* role while the enrollment is active (not
    cancelled), its *completed* role while it is completed, its *certified* role
    while a certificate for it is valid (not revoked, not expired; a cancelled
    enrollment keeps a certificate earned). Nothing for a deactivated account."""
    now = timezone.now()
    valid_certificate = Certificate.objects.filter(
        enrollment=OuterRef("pk"), revoked_at__isnull=True
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    rows = (
        Enrollment.objects.filter(
            user_id=user_id,
            user__is_active=True,
            course__discord_roles__isnull=False,
        )
        .annotate(certified=Exists(valid_certificate))
        .values_list(
            "status",
            "certified",
            "course__discord_roles__enrolled_role_id",
            "course__discord_roles__completed_role_id",
            "course__discord_roles__certified_role_id",
        )
    )
    desired: set[str] = set()
    for status, certified, enrolled, completed, certified_role in rows:
        if status != EnrollmentStatus.CANCELLED and enrolled:
            desired.add(enrolled)
        if status == EnrollmentStatus.COMPLETED and completed:
            desired.add(completed)
        if certified and certified_role:
            desired.add(certified_role)
    return desired


def course_linked_user_ids(*, course_id: int) -> list[int]:
    """Learners of a course (any enrollment state) who linked Discord."""
    linked = SocialAccount.objects.filter(
        provider=PROVIDER, user_id=OuterRef("user_id")
    )
    return list(
        Enrollment.objects.filter(course_id=course_id)
        .filter(Exists(linked))
        .values_list("user_id", flat=True)
        .distinct()
    )

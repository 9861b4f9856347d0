"""Reads of the talent pipeline, scoped in the query: representatives see visible
profiles only, and never a surname or e-mail before the learner accepted their
interest; an interest is readable by its learner, its sender and admins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from learning.models import Certificate
from learning.skills.selectors import evidence_for_users, role_coverage_for_users
from portal.accounts.models import Role, User
from portal.accounts.permissions import effective_role, is_admin
from portal.errors import NotFound, PermissionDenied

from .models import Interest, InterestStatus, TalentProfile


def may_search_talent(user) -> bool:
    """Corporate representatives and admins search candidates."""
    return effective_role(user) in (Role.CORPORATE_REP, Role.ADMIN)


def talent_profile_of(*, user: User) -> TalentProfile:
    """The learner's profile, or an unsaved one with the defaults (not visible)."""
    profile = (
        TalentProfile.objects.filter(user=user).prefetch_related("target_roles").first()
    )
    return profile or TalentProfile(user=user)


def talent_profile_user(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("Talent profile not found.")
    return user


@dataclass
class CandidateFilters:
    work_role: str | None = None
    min_coverage: float | None = None
    q: str = ""


@dataclass
class Candidate:
    """What a representative sees of a visible profile."""

    profile: TalentProfile
    first_name: str
    coverage: dict[str, float] = field(default_factory=dict)
    certificates: list[dict] = field(default_factory=list)
    labs: list[dict] = field(default_factory=list)
    contact: dict | None = None

    @property
    def best_coverage(self) -> float:
        return max(self.coverage.values(), default=0.0)


def visible_profiles() -> QuerySet[TalentProfile]:
    """The one filter for "may appear in a search": opted in, active account."""
    return TalentProfile.objects.filter(visible=True, user__is_active=True)


def _accepted_contacts(*, actor: User, user_ids: list[int]) -> dict[int, dict]:
    accepted = (
        Interest.objects.filter(
            representative=actor,
            status=InterestStatus.ACCEPTED,
            profile__user_id__in=user_ids,
        )
        .select_related("profile__user")
        .order_by()
    )
    return {
        i.profile.user_id: {
            "first_name": i.profile.user.first_name,
            "last_name": i.profile.user.last_name,
            "email": i.profile.user.email,
        }
        for i in accepted
    }


def candidate_list(*, actor: User, filters: CandidateFilters) -> list[Candidate]:
    """Visible candidates matching ``filters`` (``work_role``: those who target it or
    demonstrated some of it, coverage measured for it; else coverage of their target
    roles; ``min_coverage``: at least that much), best coverage first, with their
    evidence; contact data only where ``actor``'s interest was accepted. Errors: 403
    for anyone but representatives and admins. A bounded number of queries."""
    if not may_search_talent(actor):
        raise PermissionDenied("Only corporate representatives search candidates.")
    profiles = (
        visible_profiles().select_related("user").prefetch_related("target_roles")
    )
    if filters.q:
        words = filters.q.strip()
        # Never the surname or e-mail: a search must not reveal them either.
        profiles = profiles.filter(
            Q(headline__icontains=words)
            | Q(location__icontains=words)
            | Q(user__first_name__icontains=words)
            | Q(target_roles__title__icontains=words)
        ).distinct()
    profiles = list(profiles.order_by("pk"))
    user_ids = [p.user_id for p in profiles]
    roles_of = {
        p.user_id: (
            [filters.work_role]
            if filters.work_role
            else [r.nice_id for r in p.target_roles.all()]
        )
        for p in profiles
    }
    wanted_roles = {r for roles in roles_of.values() for r in roles}
    coverage = role_coverage_for_users(user_ids=user_ids, role_ids=wanted_roles)
    certificates = defaultdict(list)
    for certificate in Certificate.objects.filter(
        user_id__in=user_ids, revoked_at=None
    ).order_by("issued_at"):
        certificates[certificate.user_id].append(
            # No number or holder name: the public verification page would show
            # the full name.
            {
                "course_title": certificate.course_title,
                "issued_at": certificate.issued_at,
            }
        )
    evidence = evidence_for_users(user_ids=user_ids)
    contacts = _accepted_contacts(actor=actor, user_ids=user_ids)
    candidates = []
    for profile in profiles:
        labs: dict[int, dict] = {}
        for rows in evidence.get(profile.user_id, {}).values():
            for row in rows:
                if row["source"] == "flag":
                    labs.setdefault(
                        row["assessment_id"],
                        {"title": row["title"].split(" · ")[0], "at": row["at"]},
                    )
        candidate = Candidate(
            profile=profile,
            first_name=profile.user.first_name,
            coverage={
                role: coverage.get(profile.user_id, {}).get(role, 0.0)
                for role in roles_of[profile.user_id]
            },
            certificates=certificates[profile.user_id],
            labs=list(labs.values()),
            contact=contacts.get(profile.user_id),
        )
        if (
            filters.min_coverage is not None
            and candidate.best_coverage < filters.min_coverage
        ):
            continue
        # A work role asked for: candidates who target it or have shown some of it.
        if (
            filters.work_role
            and not candidate.best_coverage
            and filters.work_role not in {r.nice_id for r in profile.target_roles.all()}
        ):
            continue
        candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.best_coverage, c.profile.pk))
    return candidates


def visible_profile_get(*, profile_id: int) -> TalentProfile:
    """A profile a representative may contact, or ``NotFound`` (hidden profiles do
    not exist for them)."""
    profile = visible_profiles().select_related("user").filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("Candidate not found.")
    return profile


def _interests() -> QuerySet[Interest]:
    return Interest.objects.select_related(
        "profile__user", "representative", "organization"
    )


def interests_visible_q(*, actor: User) -> Q:
    """Interests ``actor`` may read: sent by them, about their own profile, or any
    for admins."""
    if is_admin(actor):
        return Q()
    return Q(representative=actor) | Q(profile__user=actor)


def interest_list(*, actor: User, status: str | None = None) -> QuerySet[Interest]:
    interests = _interests().filter(interests_visible_q(actor=actor))
    if status:
        interests = interests.filter(status=status)
    return interests


def interest_get_visible(*, actor: User, interest_id: int) -> Interest:
    interest = (
        _interests().filter(interests_visible_q(actor=actor), pk=interest_id).first()
    )
    if interest is None:
        raise NotFound("Interest not found.")
    return interest


def interest_contact(*, actor: User, interest: Interest) -> dict | None:
    """The learner's name and e-mail for the representative who sent ``interest``
    (or an admin), only once the learner accepted it."""
    if interest.status != InterestStatus.ACCEPTED:
        return None
    if interest.representative_id != actor.pk and not is_admin(actor):
        return None
    user = interest.profile.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }

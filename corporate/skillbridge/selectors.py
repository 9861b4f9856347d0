"""Reads of SkillBridge records: staff only (anyone else finds nothing: 404), and
the report arithmetic per cohort and quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from portal.accounts.permissions import effective_role, is_admin
from portal.errors import NotFound

from .models import Cohort, Outcome, Participant

COORDINATOR_PERMISSION = "skillbridge.skillbridge_coordinator"


def is_skillbridge_staff(user) -> bool:
    """Admins, and active users holding the coordinator permission."""
    if is_admin(user):
        return True
    return effective_role(user) is not None and user.has_perm(COORDINATOR_PERMISSION)


def staff_require(actor) -> None:
    """``NotFound`` for anyone but SkillBridge staff: the records do not exist for
    them."""
    if not is_skillbridge_staff(actor):
        raise NotFound("Not found.")


def cohort_list(*, actor) -> QuerySet[Cohort]:
    staff_require(actor)
    return Cohort.objects.annotate(
        participant_count=Count("participants"),
        completed_count=Count(
            "participants", filter=Q(participants__outcome=Outcome.COMPLETED)
        ),
    ).order_by("-created_at", "-pk")


def cohort_get(*, actor, cohort_id: int) -> Cohort:
    cohort = cohort_list(actor=actor).filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound("Cohort not found.")
    return cohort


def participant_list(*, actor, cohort: Cohort) -> QuerySet[Participant]:
    staff_require(actor)
    return Participant.objects.filter(cohort=cohort).order_by("program_start", "pk")


def participant_get(*, actor, cohort: Cohort, participant_id: int) -> Participant:
    participant = (
        participant_list(actor=actor, cohort=cohort).filter(pk=participant_id).first()
    )
    if participant is None:
        raise NotFound("Participant not found.")
    return participant


# --- Reports -----------------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass
class ReportRow:
    """Counts of one quarter (participants whose program started in it)."""

    quarter: str
    participants: int = 0
    completions: int = 0
    withdrawals: int = 0
    recalls: int = 0
    offers: int = 0
    hires: int = 0
    employed_30_days: int = 0
    employed_90_days: int = 0
    employed_180_days: int = 0

    @property
    def placement_rate(self) -> float:
        """Hires per completion (0 without completions)."""
        return round(self.hires / self.completions, 4) if self.completions else 0.0

    def add(self, participant: Participant) -> None:
        self.participants += 1
        self.completions += participant.outcome == Outcome.COMPLETED
        self.withdrawals += participant.outcome == Outcome.WITHDRAWN
        self.recalls += participant.outcome == Outcome.RECALLED
        self.offers += bool(participant.job_offer)
        self.hires += participant.hire_date is not None
        self.employed_30_days += bool(participant.employed_30_days)
        self.employed_90_days += bool(participant.employed_90_days)
        self.employed_180_days += bool(participant.employed_180_days)


REPORT_FIELDS = (
    "quarter",
    "participants",
    "completions",
    "withdrawals",
    "recalls",
    "offers",
    "hires",
    "employed_30_days",
    "employed_90_days",
    "employed_180_days",
    "placement_rate",
)


def cohort_report(*, actor, cohort: Cohort) -> list[ReportRow]:
    """One row per quarter of program start, then a ``total`` row. Reads only plain
    columns (no decryption)."""
    rows: dict[str, ReportRow] = {}
    total = ReportRow(quarter="total")
    participants = participant_list(actor=actor, cohort=cohort).only(
        "program_start",
        "outcome",
        "job_offer",
        "hire_date",
        "employed_30_days",
        "employed_90_days",
        "employed_180_days",
    )
    for participant in participants:
        quarter = quarter_of(participant.program_start)
        rows.setdefault(quarter, ReportRow(quarter=quarter)).add(participant)
        total.add(participant)
    return [*(rows[q] for q in sorted(rows)), total]


ROSTER_FIELDS = (
    "id",
    "full_name",
    "email",
    "service_branch",
    "pay_grade",
    "installation",
    "unit",
    "commander_name",
    "commander_approval_date",
    "approval_document_sha256",
    "separation_date",
    "program_start",
    "program_end",
    "weekly_hours",
    "outcome",
    "job_offer",
    "employer",
    "hire_date",
    "employed_30_days",
    "employed_90_days",
    "employed_180_days",
)

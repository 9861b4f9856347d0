"""Writes of SkillBridge records, the program's date rules, and the audit entry of
every read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput

from ..models import Cohort, Outcome, Participant, ServiceBranch
from ..selectors import staff_require

# DoD Instruction 1322.29: SkillBridge starts at most 180 days before separation.
MAX_DAYS_BEFORE_SEPARATION = 180

PARTICIPANT_FIELDS = (
    "user_id",
    "full_name",
    "email",
    "service_branch",
    "pay_grade",
    "installation",
    "unit",
    "commander_name",
    "commander_approval_date",
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
REQUIRED = (
    "full_name",
    "service_branch",
    "separation_date",
    "program_start",
    "program_end",
    "weekly_hours",
)


def program_dates_check(
    *, separation: date, start: date, end: date, approval: date | None = None
) -> None:
    """The program's date rules (400 naming the field): the program starts no more
    than 180 days before separation, ends on or before separation, ends on or after
    its start; a commander's approval comes before the start."""
    if start < separation - timedelta(days=MAX_DAYS_BEFORE_SEPARATION):
        raise InvalidInput(
            f"The program may start at most {MAX_DAYS_BEFORE_SEPARATION} days before "
            "the separation date.",
            field="program_start",
        )
    if end > separation:
        raise InvalidInput(
            "The program must end on or before the separation date.",
            field="program_end",
        )
    if end < start:
        raise InvalidInput(
            "The program must end on or after its start.", field="program_end"
        )
    if approval is not None and approval > start:
        raise InvalidInput(
            "The commander's approval must come before the program starts.",
            field="commander_approval_date",
        )


def _outcome_check(values: dict) -> None:
    if values.get("service_branch") not in ServiceBranch.values:
        raise InvalidInput("Unknown service branch.", field="service_branch")
    if values.get("outcome", Outcome.ACTIVE) not in Outcome.values:
        raise InvalidInput("Unknown outcome.", field="outcome")
    if values.get("hire_date") and not values.get("job_offer"):
        raise InvalidInput("A hire needs a job offer.", field="job_offer")
    for days in (30, 90, 180):
        if values.get(f"employed_{days}_days") is not None and not values.get(
            "hire_date"
        ):
            raise InvalidInput(
                "Employment follow-ups need a hire date.",
                field=f"employed_{days}_days",
            )


@transaction.atomic
def cohort_create(*, actor: User, data: dict) -> Cohort:
    staff_require(actor)
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise InvalidInput("The cohort must end after it starts.", field="end_date")
    cohort = Cohort.objects.create(
        name=data["name"],
        description=data.get("description", ""),
        start_date=start,
        end_date=end,
        created_by=actor,
    )
    audit_log_record(
        action="skillbridge.cohort_created",
        user=actor,
        resource_type="skillbridge_cohort",
        resource_id=cohort.pk,
        details={"name": cohort.name},
    )
    return cohort


def _validated(values: dict) -> None:
    user_id = values.get("user_id")
    if user_id is not None and not User.objects.filter(pk=user_id).exists():
        raise InvalidInput("No such user.", field="user_id")
    missing = [name for name in REQUIRED if values.get(name) in (None, "")]
    if missing:
        raise InvalidInput("This field is required.", field=missing[0])
    program_dates_check(
        separation=values["separation_date"],
        start=values["program_start"],
        end=values["program_end"],
        approval=values.get("commander_approval_date"),
    )
    _outcome_check(values)


@transaction.atomic
def participant_create(*, actor: User, cohort: Cohort, data: dict) -> Participant:
    """Add a participant (400 when the date rules fail, naming the field)."""
    staff_require(actor)
    values = {name: data[name] for name in PARTICIPANT_FIELDS if name in data}
    _validated(values)
    participant = Participant.objects.create(cohort=cohort, **values)
    audit_log_record(
        action="skillbridge.participant_created",
        user=actor,
        resource_type="skillbridge_participant",
        resource_id=participant.pk,
        details={"cohort_id": cohort.pk},
    )
    return participant


@transaction.atomic
def participant_update(
    *, actor: User, participant: Participant, data: dict
) -> Participant:
    """Partly update a participant (outcome, follow-ups, corrections); the date
    rules are checked on the merged values."""
    staff_require(actor)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    values = {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
    changed = [
        name
        for name in PARTICIPANT_FIELDS
        if name in data and data[name] != values[name]
    ]
    values.update({name: data[name] for name in PARTICIPANT_FIELDS if name in data})
    _validated(values)
    for name in changed:
        setattr(participant, name, values[name])
    if changed:
        participant.save()
    audit_log_record(
        action="skillbridge.participant_updated",
        user=actor,
        resource_type="skillbridge_participant",
        resource_id=participant.pk,
        details={"cohort_id": participant.cohort_id, "changed": changed},
    )
    return participant


def skillbridge_read_record(
    *,
    actor: User,
    what: str,
    cohort_id: int | None = None,
    participant_ids: Iterable[int] = (),
    details: dict[str, Any] | None = None,
) -> None:
    """Audit a read of SkillBridge records (``what``: ``cohorts``, ``participants``,
    ``report``, ``roster``, ``document`` …) with the participants it showed."""
    audit_log_record(
        action=f"skillbridge.read_{what}",
        user=actor,
        resource_type="skillbridge_cohort" if cohort_id else "skillbridge",
        resource_id=cohort_id,
        details={"participant_ids": list(participant_ids), **(details or {})},
    )

"""This app's answers to the personal-data extension points (``portal.hooks``):
a service member's SkillBridge participation (decrypted for the export) and the
cohorts a coordinator created.

Erasure removes what identifies the participant (name, e-mail, installation,
unit, commander, approval document, employer, pay grade, the link to the
account) and keeps the program facts the DoD SkillBridge outcome reports count
(DoDI 1322.29): branch, separation and program dates, weekly hours, outcome and
employment at 30/90/180 days."""

from __future__ import annotations

from portal.hooks import Erasure, erase_file_on_commit, personal_data_covers

from .models import Cohort, Participant

RELATIONS = ("skillbridge.Cohort.created_by", "skillbridge.Participant.user")


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "skillbridge.participation": [
            {
                "cohort": p.cohort.name,
                "full_name": p.full_name,
                "email": p.email,
                "service_branch": p.service_branch,
                "pay_grade": p.pay_grade,
                "installation": p.installation,
                "unit": p.unit,
                "commander_name": p.commander_name,
                "commander_approval_date": p.commander_approval_date,
                "approval_document": p.approval_document,
                "separation_date": p.separation_date,
                "program_start": p.program_start,
                "program_end": p.program_end,
                "weekly_hours": p.weekly_hours,
                "outcome": p.outcome,
                "job_offer": p.job_offer,
                "employer": p.employer,
                "hire_date": p.hire_date,
            }
            for p in Participant.objects.filter(user=user).select_related("cohort")
        ],
        "skillbridge.cohorts_created": list(
            Cohort.objects.filter(created_by=user).values("name", "created_at")
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    participants = list(Participant.objects.filter(user=user))
    for participant in participants:
        erase_file_on_commit(field_file=participant.approval_document)
        for field in (
            "full_name",
            "email",
            "pay_grade",
            "installation",
            "unit",
            "commander_name",
            "approval_document_name",
            "approval_document_sha256",
            "employer",
        ):
            setattr(participant, field, "")
        participant.commander_approval_date = None
        participant.approval_document_size = None
        participant.user = None
        participant.save()
    return [
        Erasure(
            "skillbridge.Participant",
            Erasure.ANONYMIZED,
            len(participants),
            "The program's outcome reports to the DoD (DoDI 1322.29) count "
            "participations: branch, separation and program dates, hours, outcome "
            "and employment stay; name, e-mail, installation, unit, commander, "
            "approval document, employer, pay grade and the account link are "
            "removed.",
        ),
        Erasure(
            "skillbridge.Cohort",
            Erasure.KEPT,
            Cohort.objects.filter(created_by=user).count(),
            "Cohorts are the program's; they point at the anonymized account.",
        ),
    ]

"""This app's answers to the personal-data extension points (``portal.hooks``):
the jobs a person started, and others' job reports naming them."""

from __future__ import annotations

from portal.hooks import Erasure, erase_file_on_commit, personal_data_covers
from portal.redaction import as_text, contains_any, person_needles, redact_json

from .models import FINISHED, Job

RELATIONS = ("jobs.Job.creator",)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "jobs.jobs": list(
            Job.objects.filter(creator=user)
            .order_by("created_at", "pk")
            .values("kind", "status", "created_at", "finished_at", "error")
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    needles = person_needles(user)
    finished = Job.objects.filter(creator=user, status__in=FINISHED)
    rows = 0
    for job in finished:
        if job.file:
            erase_file_on_commit(field_file=job.file)
        rows += 1
    finished.delete()
    unfinished = Job.objects.filter(creator=user).count()
    naming = (
        Job.objects.annotate(**as_text("params"), **as_text("result"))
        .exclude(creator=user)
        .filter(
            contains_any("params", needles, json_field=True)
            | contains_any("result", needles, json_field=True)
        )
    )
    changed = 0
    for job in naming:
        params = redact_json(job.params, needles)
        result = redact_json(job.result, needles)
        if (params, result) != (job.params, job.result):
            job.params, job.result = params, result
            job.save(update_fields=["params", "result"])
            changed += 1
    return [
        Erasure("jobs.Job", Erasure.DELETED, rows),
        Erasure(
            "jobs.Job",
            Erasure.KEPT,
            unfinished,
            "Jobs still running (this erasure's own among them) finish first; they "
            "hold the account's id only.",
        ),
        Erasure(
            "jobs.Job",
            Erasure.ANONYMIZED,
            changed,
            "Reports of other people's jobs (a bulk enrollment listing the person) "
            "stay theirs; the person's name and address in them are removed.",
        ),
    ]

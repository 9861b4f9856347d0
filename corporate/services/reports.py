"""The progress report as CSV or XLSX, built at once or, when large, by a job."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from portal.accounts.models import User
from portal.jobs.models import Job
from portal.jobs.services import JobRun, job_run, job_start
from portal.spreadsheets import spreadsheet_text

from ..models import Organization
from ..selectors import REPORT_COLUMNS, report_enrollments, report_rows

JOB_KIND = "progress_report"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 500


def _iter_rows(organization: Organization):
    enrollments = report_enrollments(organization=organization)
    batch: list = []
    for enrollment in enrollments.iterator(chunk_size=CHUNK):
        batch.append(enrollment)
        if len(batch) == CHUNK:
            yield from report_rows(enrollments=batch)
            batch = []
    if batch:
        yield from report_rows(enrollments=batch)


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def report_file_build(*, organization: Organization, file_format: str) -> bytes:
    """The whole report of ``organization`` as ``csv`` (UTF-8 with a byte-order
    mark, so Excel reads accents) or ``xlsx`` bytes."""
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(REPORT_COLUMNS)
        for row in _iter_rows(organization):
            writer.writerow([spreadsheet_text(row[c]) for c in REPORT_COLUMNS])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Progress")
    sheet.append(list(REPORT_COLUMNS))
    for row in _iter_rows(organization):
        sheet.append(
            [
                _cell(row[c])
                if not isinstance(row[c], str)
                else spreadsheet_text(row[c])
                for c in REPORT_COLUMNS
            ]
        )
    for index in range(1, len(REPORT_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_file_name(*, organization: Organization, file_format: str) -> str:
    return f"{organization.slug}-progress-{timezone.now():%Y-%m-%d}.{file_format}"


def report_is_large(*, organization: Organization) -> bool:
    return (
        report_enrollments(organization=organization).count()
        > settings.REPORT_SYNC_MAX_ROWS
    )


@transaction.atomic
def report_job_start(
    *, actor: User, organization: Organization, file_format: str
) -> Job:
    from ..tasks import build_progress_report

    return job_start(
        actor=actor,
        kind=JOB_KIND,
        task=build_progress_report,
        params={"organization_id": organization.pk, "format": file_format},
    )


def report_job_run(*, job_id: int) -> Job | None:
    def work(run: JobRun) -> None:
        organization = Organization.objects.get(pk=run.params["organization_id"])
        file_format = run.params["format"]
        total = report_enrollments(organization=organization).count()
        run.progress(done=0, total=total, force=True)
        content = report_file_build(organization=organization, file_format=file_format)
        run.attach(
            name=report_file_name(organization=organization, file_format=file_format),
            content=content,
            content_type=FORMATS[file_format],
        )
        run.progress(done=total, total=total)
        run.result["row_count"] = total

    return job_run(job_id=job_id, work=work)

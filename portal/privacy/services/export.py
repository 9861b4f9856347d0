"""Personal-data export (GDPR Art. 15 and 20): a job gathers what every app holds
about a person (``portal.hooks.PERSONAL_DATA_EXPORT``) into a ZIP of JSON files
with a README and the person's uploaded files, downloadable once by that person
for ``PRIVACY_EXPORT_TTL_HOURS``."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from portal.accounts.models import User
from portal.errors import Conflict, NotFound
from portal.hooks import personal_data_export_collect
from portal.jobs.models import Job, JobStatus
from portal.jobs.services import JobRun, job_run, job_start

from ..selectors import account_is_erased

logger = logging.getLogger(__name__)

JOB_KIND = "personal_data_export"
ZIP_CONTENT_TYPE = "application/zip"

README = """\
Your personal data at {site}
{underline}

Exported on {now} (UTC) for account #{user_id}. This archive holds every record the
portal keeps about you, gathered from each part of the site, as it was at that
moment.

How to read it
--------------
- Each .json file is one kind of record: a list of objects (one per record), in
  UTF-8. Dates and times are ISO 8601, in UTC. Amounts are decimal strings.
- Files you uploaded, or that were made for you (your avatar, certificate PDFs,
  documents), are in the files/ folder; a record names its file by its path here
  (null when there is none). A file that could not be read is listed below.
- Not included, on purpose: your password (only a one-way hash is kept), your
  two-factor secrets and recovery codes, and sign-in tokens. They are security
  credentials, not information about you, and giving them out would endanger your
  account.
- Records others wrote about you that are theirs to keep private (a mentor's
  private notes, administrators' internal remarks) are not included.

Files in this archive
---------------------
{listing}
{missing}
This download works once and expires {ttl} hours after it was made. Ask for a new
export from your profile or with POST /api/v1/users/me/export at any time.
"""


@transaction.atomic
def personal_data_export_start(*, actor: User, user: User) -> Job:
    """Queue an export of ``user``'s personal data, asked by ``user`` themself
    (``actor``). Errors: 404 for anyone else; 409 while an export of theirs is
    still being prepared."""
    if actor.pk != user.pk:
        raise NotFound("User not found.")
    if account_is_erased(user=user):
        raise Conflict("This account was erased.")
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Job.objects.filter(
        kind=JOB_KIND,
        creator=user,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).exists():
        raise Conflict(
            "An export of your data is already being prepared.",
            code="EXPORT_IN_PROGRESS",
        )
    from ..tasks import build_personal_data_export

    return job_start(
        actor=actor,
        kind=JOB_KIND,
        task=build_personal_data_export,
        params={"user_id": user.pk},
        total=1,
    )


def personal_data_export_run(*, job_id: int) -> Job | None:
    """The export job's work: gather, write the ZIP (on disk, never whole in
    memory), attach it as a single-use download."""

    def work(run: JobRun) -> None:
        user = User.objects.get(pk=run.params["user_id"])
        sections = personal_data_export_collect(user=user)
        with tempfile.TemporaryFile() as archive:
            counts, files, missing = personal_data_archive_write(
                sections=sections, user=user, out=archive
            )
            archive.seek(0)
            run.attach(
                name=f"personal-data-{user.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip",
                content=File(archive),
                content_type=ZIP_CONTENT_TYPE,
                single_use=True,
                ttl_hours=settings.PRIVACY_EXPORT_TTL_HOURS,
            )
        run.result.update(
            {"sections": counts, "files": files, "missing_files": missing}
        )
        run.progress(done=1, total=1, force=True)

    return job_run(job_id=job_id, work=work)


class _ExportEncoder(DjangoJSONEncoder):
    """JSON of the export: a ``FieldFile`` becomes its path in the archive (and is
    queued to be copied there), an empty one ``null``."""

    def __init__(self, *args, section: str, files: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.files = files

    def default(self, o):
        if isinstance(o, FieldFile):
            if not o:
                return None
            key = (o.storage.__class__.__name__, o.name)
            if key not in self.files:
                name = PurePosixPath(o.name).name
                path = f"files/{self.section}/{len(self.files) + 1}-{name}"
                self.files[key] = (path, o)
            return self.files[key][0]
        return super().default(o)


def personal_data_archive_write(
    *, sections: dict[str, list[dict]], user: User, out: BinaryIO
) -> tuple[dict[str, int], int, list[str]]:
    """Write the ZIP of ``sections`` to the binary file ``out``: one
    ``<section>.json`` each, the files they name under ``files/``, and README.txt.
    Returns the row count per section, the number of files copied, and the paths
    of files that could not be read (listed in the README, not a failure)."""
    files: dict = {}
    counts = {}
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(sections):
            rows = sections[name]
            counts[name] = len(rows)
            text = json.dumps(
                rows,
                cls=_ExportEncoder,
                section=name,
                files=files,
                indent=2,
                ensure_ascii=False,
            )
            archive.writestr(f"{name}.json", text)
        copied = 0
        for path, field in files.values():
            try:
                with (
                    field.storage.open(field.name, "rb") as source,
                    archive.open(path, "w", force_zip64=True) as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)
                copied += 1
            except OSError:
                logger.warning("export of user %s: file %s unreadable", user.pk, path)
                missing.append(path)
        listing = "\n".join(
            f"- {name}.json: {counts[name]} record(s)" for name in sorted(counts)
        )
        if copied:
            listing += f"\n- files/: {copied} file(s)"
        archive.writestr(
            "README.txt",
            README.format(
                site=settings.WAGTAIL_SITE_NAME,
                underline="=" * (len(settings.WAGTAIL_SITE_NAME) + 23),
                now=timezone.now().strftime("%Y-%m-%d %H:%M"),
                user_id=user.pk,
                listing=listing,
                missing=(
                    "\nFiles that could not be read:\n"
                    + "\n".join(f"- {path}" for path in missing)
                    + "\n"
                    if missing
                    else ""
                ),
                ttl=settings.PRIVACY_EXPORT_TTL_HOURS,
            ),
        )
    return counts, copied, missing

"""A course's roster for its instructor and admins: each learner's enrollment,
per-module state and assessment results (best scores, attempts, lab flags
captured), for the roster endpoint, its CSV download and the Wagtail roster page.

Reads only. The learners' assessment results come from the
``portal.hooks.LEARNER_RESULTS`` answers (``learning`` never imports
``assessments``). A page of rows costs the same few queries whatever its length:
the enrollments with their users, the course's modules, the learners' module
progress, and the answers' own (bounded) queries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from content.models import CoursePage, ModulePage
from portal.hooks import learner_results_collect
from portal.spreadsheets import spreadsheet_text

from .models import Enrollment, ModuleProgress

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
MODULE_STATES = (NOT_STARTED, IN_PROGRESS, COMPLETED)
# A spreadsheet treats a cell starting with one of these as a formula: a learner
# named "=HYPERLINK(...)" must not become one in the instructor's export.


@dataclass
class Roster:
    """One page (or all) of a course's roster: the columns shared by every row
    (``modules``, ``assessments``) and one row per enrollment."""

    course: CoursePage
    modules: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


def roster_enrollments(
    *, course: CoursePage, status: str | None = None
) -> QuerySet[Enrollment]:
    """The course's enrollments (cancelled ones too, unless ``status`` narrows),
    ordered by the learner's e-mail address. The caller checked the actor manages
    the course (``selectors.course_get_managed``)."""
    enrollments = Enrollment.objects.filter(course=course).select_related("user")
    if status:
        enrollments = enrollments.filter(status=status)
    return enrollments.order_by("user__email", "pk")


def _course_modules(course: CoursePage) -> list[dict]:
    """Live modules in course order (the page tree's)."""
    return [
        {"id": pk, "title": title, "is_mandatory": mandatory}
        for pk, title, mandatory in ModulePage.objects.child_of(course)
        .live()
        .order_by("path")
        .values_list("pk", "title", "is_mandatory")
    ]


def roster_build(*, course: CoursePage, enrollments: Iterable[Enrollment]) -> Roster:
    """The rows of ``enrollments`` (one page, or every row for a download)."""
    enrollments = list(enrollments)
    user_ids = [e.user_id for e in enrollments]
    modules = _course_modules(course)
    progress: dict[tuple[int, int], dict] = {
        (row["user_id"], row["module_id"]): row
        for row in ModuleProgress.objects.filter(
            course=course, user_id__in=user_ids
        ).values("user_id", "module_id", "completed_at", "time_spent")
    }
    results = learner_results_collect(course=course, user_ids=user_ids)
    roster = Roster(course=course, modules=modules, assessments=results["assessments"])
    for enrollment in enrollments:
        user = enrollment.user
        cells = results["rows"].get(enrollment.user_id, {})
        roster.rows.append(
            {
                "enrollment_id": enrollment.pk,
                "user": {
                    "id": user.pk,
                    "email": user.email,
                    "name": user.get_full_name(),
                },
                "status": enrollment.status,
                "source": enrollment.source,
                "progress_percentage": float(enrollment.progress_percentage),
                "enrolled_at": enrollment.enrolled_at,
                "completed_at": enrollment.completed_at,
                "cancelled_at": enrollment.cancelled_at,
                "last_accessed": enrollment.last_accessed,
                "modules": [
                    _module_state(module, progress.get((user.pk, module["id"])))
                    for module in modules
                ],
                "assessments": [
                    _assessment_cell(assessment, cells.get(assessment["id"]))
                    for assessment in roster.assessments
                ],
            }
        )
    return roster


def _module_state(module: dict, row: dict | None) -> dict:
    if row is None:
        state = NOT_STARTED
    elif row["completed_at"] is not None:
        state = COMPLETED
    else:
        state = IN_PROGRESS
    return {
        "module_id": module["id"],
        "title": module["title"],
        "state": state,
        "completed_at": row["completed_at"] if row else None,
        "time_spent": row["time_spent"] if row else 0,
    }


def _assessment_cell(assessment: dict, cell: dict | None) -> dict:
    cell = cell or {}
    return {
        "assessment_id": assessment["id"],
        "title": assessment["title"],
        "type": assessment["type"],
        "best_score": cell.get("best_score"),
        "passed": cell.get("passed", False),
        "attempts": cell.get("attempts", 0),
        "pending_review": list(cell.get("pending_review", [])),
        "flags_captured": cell.get("flags_captured", 0),
        "flags_total": assessment.get("flags_total", 0),
    }


# --- CSV ---------------------------------------------------------------------------


def roster_table(*, roster: Roster) -> list[list[str]]:
    """The roster as a table (a header row, then one row per learner) for a CSV
    download: one column per module (its state) and per assessment (best score,
    attempts, pending reviews; flags captured for labs). Cells a spreadsheet would
    run as formulas are quoted."""
    header = [
        _("user_id"),
        _("email"),
        _("name"),
        _("status"),
        _("progress_percentage"),
        _("enrolled_at"),
        _("completed_at"),
        _("last_accessed"),
    ]
    for module in roster.modules:
        header.append(_("module: %(title)s") % {"title": module["title"]})
    for assessment in roster.assessments:
        title = assessment["title"]
        header.append(_("best score: %(title)s") % {"title": title})
        header.append(_("attempts: %(title)s") % {"title": title})
        header.append(_("pending review: %(title)s") % {"title": title})
        if assessment.get("flags_total"):
            header.append(_("flags captured: %(title)s") % {"title": title})
    table = [[spreadsheet_text(h) for h in header]]
    for row in roster.rows:
        line = [
            row["user"]["id"],
            row["user"]["email"],
            row["user"]["name"],
            row["status"],
            f"{row['progress_percentage']:.2f}",
            row["enrolled_at"],
            row["completed_at"],
            row["last_accessed"],
        ]
        line.extend(module["state"] for module in row["modules"])
        for assessment, cell in zip(
            roster.assessments, row["assessments"], strict=True
        ):
            line.append(cell["best_score"])
            line.append(cell["attempts"])
            line.append(len(cell["pending_review"]))
            if assessment.get("flags_total"):
                line.append(f"{cell['flags_captured']}/{cell['flags_total']}")
        table.append([spreadsheet_text(value) for value in line])
    return table


def roster_csv(*, roster: Roster) -> str:
    """``roster_table`` as CSV text."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(roster_table(roster=roster))
    return buffer.getvalue()


def roster_filename(*, course: CoursePage) -> str:
    return f"roster-{course.slug or course.pk}.csv"

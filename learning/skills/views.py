"""The learner's "My skills" page: coverage of NICE work roles with a chart drawn on
the server (SVG, no script), the evidence, the missing tasks and courses to take."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors

ROLE_RE = re.compile(r"^[A-Z]{2}-WRL-[0-9]{3}$")
CHART_ROLES = 8
BAR_WIDTH = 300  # px of a 100 % bar in the chart
ROW_HEIGHT = 22
MISSING_SHOWN = 15


def _chart(results) -> dict:
    """Geometry of the SVG chart: one group per role, one bar per kind."""
    rows = []
    y = 0
    for result in results[:CHART_ROLES]:
        bars = []
        for index, (kind, value) in enumerate(result.by_kind.items()):
            bars.append(
                {
                    "kind": kind,
                    "y": y + 18 + index * 12,
                    "width": round(value.coverage * BAR_WIDTH, 1),
                    "percent": round(value.coverage * 100),
                    "covered": value.covered,
                    "total": value.total,
                }
            )
        rows.append(
            {
                "role": result.work_role,
                "percent": round(result.coverage * 100, 1),
                "y": y + 12,
                "bars": bars,
            }
        )
        y += ROW_HEIGHT + 3 * 12 + 8
    return {"rows": rows, "height": y + 4, "bar_width": BAR_WIDTH}


@login_required
@require_safe
def my_skills(request):
    results = selectors.user_competencies(user=request.user)
    wanted = request.GET.get("role", "")
    selected = None
    if ROLE_RE.match(wanted):
        selected = next((r for r in results if r.work_role.nice_id == wanted), None)
        if selected is None and selectors.work_role_exists(nice_id=wanted):
            selected = selectors.user_competencies(user=request.user, work_role=wanted)[
                0
            ]
    if selected is None and results:
        selected = results[0]
    if selected is not None:
        selectors.gap_report_fill(results=[selected])
    return render(
        request,
        "skills/my_skills.html",
        {
            "results": results,
            "chart": _chart(results),
            "selected": selected,
            "missing_tasks": selected.missing_tasks[:MISSING_SHOWN] if selected else [],
            "more_missing": max(0, len(selected.missing_tasks) - MISSING_SHOWN)
            if selected
            else 0,
            "framework": selectors.framework_current(),
        },
    )

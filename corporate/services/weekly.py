"""The weekly progress e-mail to representatives who asked for it."""

from __future__ import annotations

from django.utils import timezone

from portal.notifications.services import notify

from ..selectors import organization_summary, weekly_report_recipients


def weekly_reports_send() -> int:
    """Tell each opted-in representative her organization's figures, at most once
    per representative and ISO week (the notification key), so a second beat or a
    retried task sends nothing more. How many were queued."""
    year, week, _ = timezone.now().isocalendar()
    sent = 0
    summaries: dict[int, dict] = {}
    for membership in weekly_report_recipients():
        organization = membership.organization
        if organization.pk not in summaries:
            summaries[organization.pk] = organization_summary(organization=organization)
        notification = notify(
            user=membership.user,
            event="corporate.weekly_report",
            payload={
                "organization": organization.name,
                "slug": organization.slug,
                "week": f"{year}-W{week:02d}",
                **summaries[organization.pk],
            },
            key=f"corporate.weekly_report:{membership.pk}:{year}-{week}",
        )
        sent += notification is not None
    return sent

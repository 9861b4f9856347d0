"""The demo organization ``make run`` shows, and the weekly e-mail to
representatives who opted in."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from corporate.models import Organization, OrganizationMembership, SeatAssignment
from corporate.services import representative_preferences_set
from corporate.tasks import send_weekly_reports
from learning.models import Enrollment

from .conftest import member_of

pytestmark = pytest.mark.django_db


class TestDemo:
    def test_a_populated_partner_portal_idempotently(self, home_page, client):
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())
        organization = Organization.objects.get(slug="veterans-cyber-corps")
        members = OrganizationMembership.objects.current().filter(
            organization=organization
        )
        assert members.filter(role="representative").get().user.email == (
            "rep@example.org"
        )
        # Its own five, plus the two employees the demo's HR system (SCIM) added.
        assert members.filter(role="member").count() == 7
        assert organization.seat_pools.get().quantity == 10
        assert SeatAssignment.objects.count() == 4
        progress = set(
            Enrollment.objects.filter(
                user__email__in=[
                    "dana.ortiz@example.org",
                    "kim.park@example.org",
                    "ali.haddad@example.org",
                ]
            ).values_list("progress_percentage", flat=True)
        )
        assert len(progress) > 1  # members at different stages
        rep = members.get(role="representative").user
        client.force_login(rep)
        html = client.get("/organizations/veterans-cyber-corps/").content.decode()
        assert "Veterans Cyber Corps" in html


class TestWeeklyReport:
    def test_only_opted_in_reps_once_a_week(
        self, acme, rep_a, rep_b, globex, django_capture_on_commit_callbacks
    ):
        member_of(acme)
        representative_preferences_set(
            actor=rep_a, organization=acme, weekly_report=True
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert send_weekly_reports() == 1
            assert send_weekly_reports() == 0  # the same week: nothing more
        assert [m.to for m in mail.outbox] == [[rep_a.email]]
        assert "Acme Defense" in mail.outbox[0].subject
        assert "Members: 1" in mail.outbox[0].body

    def test_the_dashboard_switch(self, client, acme, rep_a):
        client.force_login(rep_a)
        client.post("/organizations/acme/weekly-report/", {"weekly_report": "on"})
        assert OrganizationMembership.objects.get(user=rep_a).weekly_report
        client.post("/organizations/acme/weekly-report/", {})
        assert not OrganizationMembership.objects.get(user=rep_a).weekly_report

    def test_beat_schedules_it(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["corporate-weekly-reports"]
        assert entry["task"] == "corporate.weekly_reports"

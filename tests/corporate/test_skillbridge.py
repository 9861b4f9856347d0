"""SkillBridge records: staff only (404 for anyone else), the program's date rules,
encryption at rest, every read audited, reports and rosters as CSV and PDF."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from pypdf import PdfReader

from corporate.skillbridge.models import Cohort, Participant
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/skillbridge/cohorts"
PARTICIPANT = {
    "full_name": "Alex Rivera",
    "email": "alex.rivera@example.mil",
    "service_branch": "army",
    "pay_grade": "E-6",
    "installation": "Fort Liberty",
    "unit": "3rd Special Forces Group",
    "commander_name": "LTC Dana Doe",
    "commander_approval_date": "2026-05-01",
    "separation_date": "2026-12-31",
    "program_start": "2026-07-04",  # exactly 180 days before separation
    "program_end": "2026-12-31",
    "weekly_hours": 40,
}


@pytest.fixture
def admin(db):
    user = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def coordinator(db):
    user = UserFactory(role=Role.STUDENT)
    user.user_permissions.add(
        Permission.objects.get(codename="skillbridge_coordinator")
    )
    return user


@pytest.fixture
def staff_client(api_client, admin):
    signed_in(api_client, admin)
    return api_client


@pytest.fixture
def cohort(staff_client):
    response = staff_client.post(BASE, {"name": "Fort Liberty Q3"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


@pytest.fixture
def participant(staff_client, cohort):
    response = staff_client.post(
        f"{BASE}/{cohort['id']}/participants", PARTICIPANT, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]


class TestDateRules:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"program_start": "2026-07-03"}, "program_start"),  # 181 days before
            ({"program_end": "2027-01-01"}, "program_end"),  # after separation
            ({"program_end": "2026-07-01"}, "program_end"),  # before its start
            ({"commander_approval_date": "2026-07-05"}, "commander_approval_date"),
        ],
    )
    def test_refused_with_400_naming_the_field(
        self, staff_client, cohort, change, field
    ):
        response = staff_client.post(
            f"{BASE}/{cohort['id']}/participants",
            {**PARTICIPANT, **change},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field
        assert not Participant.objects.exists()

    def test_the_edges_are_allowed(self, participant):
        assert participant["program_start"] == "2026-07-04"
        assert participant["program_end"] == "2026-12-31"

    def test_an_update_is_checked_on_the_merged_values(
        self, staff_client, cohort, participant
    ):
        url = f"{BASE}/{cohort['id']}/participants/{participant['id']}"
        response = staff_client.patch(
            url, {"separation_date": "2026-12-01"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "program_end"

    @pytest.mark.parametrize(
        "bad",
        [
            {"weekly_hours": 0},
            {"weekly_hours": 200},
            {"service_branch": "starfleet"},
            {"separation_date": "soon"},
            {"full_name": ""},
            {"user_id": 999999},
        ],
    )
    def test_bad_input_is_400(self, staff_client, cohort, bad):
        response = staff_client.post(
            f"{BASE}/{cohort['id']}/participants",
            {**PARTICIPANT, **bad},
            format="json",
        )
        assert response.status_code == 400


class TestStaffOnly:
    def urls(self, cohort, participant):
        base = f"{BASE}/{cohort['id']}"
        one = f"{base}/participants/{participant['id']}"
        return [
            BASE,
            base,
            f"{base}/participants",
            one,
            f"{one}/approval-document",
            f"{base}/report?format=csv",
            f"{base}/roster",
        ]

    @pytest.mark.parametrize(
        "role", [Role.STUDENT, Role.INSTRUCTOR, Role.MENTOR, Role.CORPORATE_REP]
    )
    def test_non_staff_get_404_everywhere(self, api_client, cohort, participant, role):
        user = UserFactory(role=role)
        user_role_privileges_sync(user=user)
        signed_in(api_client, user)
        for url in self.urls(cohort, participant):
            assert api_client.get(url).status_code == 404, url
        assert api_client.post(BASE, {"name": "x"}, format="json").status_code == 404
        assert (
            api_client.post(
                f"{BASE}/{cohort['id']}/participants", PARTICIPANT, format="json"
            ).status_code
            == 404
        )
        assert Cohort.objects.count() == 1

    def test_anonymous_is_401(self, api_client, cohort):
        api_client.credentials()
        assert api_client.get(BASE).status_code == 401

    def test_a_coordinator_reads_and_writes(self, api_client, cohort, coordinator):
        signed_in(api_client, coordinator)
        assert api_client.get(BASE).status_code == 200
        response = api_client.post(
            f"{BASE}/{cohort['id']}/participants", PARTICIPANT, format="json"
        )
        assert response.status_code == 201

    def test_a_deactivated_coordinator_reads_nothing(self, cohort, coordinator):
        from corporate.skillbridge.selectors import is_skillbridge_staff

        assert is_skillbridge_staff(coordinator)
        coordinator.is_active = False
        assert not is_skillbridge_staff(coordinator)


class TestEncryptionAtRest:
    def test_personal_fields_are_stored_encrypted(self, participant):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT full_name, email, installation, unit, commander_name, "
                "separation_date, service_branch FROM skillbridge_participant"
            )
            row = cursor.fetchone()
        for value in row:
            assert value.startswith("fernet:")
        raw = " ".join(row)
        for secret in ("Alex", "Rivera", "Liberty", "Doe", "2026-12-31", "army"):
            assert secret not in raw
        assert Participant.objects.get().full_name == "Alex Rivera"

    def test_rotation_keeps_old_rows_readable(self, participant, settings):
        from cryptography.fernet import Fernet

        old = list(settings.FIELD_ENCRYPTION_KEYS)
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old]
        assert Participant.objects.get().full_name == "Alex Rivera"
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        from cryptography.fernet import InvalidToken

        with pytest.raises(InvalidToken):
            Participant.objects.get()


class TestReadsAreAudited:
    def test_every_read_leaves_an_entry(self, staff_client, cohort, participant):
        base = f"{BASE}/{cohort['id']}"
        reads = {
            BASE: "skillbridge.read_cohorts",
            base: "skillbridge.read_cohort",
            f"{base}/participants": "skillbridge.read_participants",
            f"{base}/participants/{participant['id']}": "skillbridge.read_participant",
            f"{base}/report": "skillbridge.read_report",
            f"{base}/roster?format=csv": "skillbridge.read_roster",
        }
        for url, action in reads.items():
            before = AuditLog.objects.filter(action=action).count()
            assert staff_client.get(url).status_code == 200
            assert AuditLog.objects.filter(action=action).count() == before + 1, url
        entry = AuditLog.objects.filter(action="skillbridge.read_participants").last()
        assert entry.details["participant_ids"] == [participant["id"]]


class TestDocument:
    def test_upload_records_the_checksum_and_download_checks_it(
        self, staff_client, cohort, participant
    ):
        import hashlib

        content = b"%PDF-1.4\n% approval\n"
        url = (
            f"{BASE}/{cohort['id']}/participants/{participant['id']}/approval-document"
        )
        response = staff_client.post(
            url,
            {"file": SimpleUploadedFile("approval.pdf", content, "application/pdf")},
            format="multipart",
        )
        assert response.status_code == 201
        document = response.json()["data"]["approval_document"]
        assert document["sha256"] == hashlib.sha256(content).hexdigest()
        stored = Participant.objects.get().approval_document
        with stored.open("rb") as handle:
            assert b"approval" not in handle.read()  # encrypted at rest
        download = staff_client.get(url)
        assert download.status_code == 200
        assert download.content == content
        assert AuditLog.objects.filter(action="skillbridge.read_document").exists()

    def test_not_a_document_is_400(self, staff_client, cohort, participant):
        url = (
            f"{BASE}/{cohort['id']}/participants/{participant['id']}/approval-document"
        )
        response = staff_client.post(
            url,
            {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/pdf")},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "file"


class TestReports:
    def test_per_quarter_counts_and_placement_rate(
        self, staff_client, cohort, participant
    ):
        base = f"{BASE}/{cohort['id']}"
        staff_client.patch(
            f"{base}/participants/{participant['id']}",
            {
                "outcome": "completed",
                "job_offer": True,
                "employer": "Acme",
                "hire_date": "2027-01-10",
                "employed_30_days": True,
            },
            format="json",
        )
        second = {**PARTICIPANT, "program_start": "2026-10-01", "full_name": "B"}
        staff_client.post(f"{base}/participants", second, format="json")
        third = {**second, "full_name": "C"}
        third_id = staff_client.post(
            f"{base}/participants", third, format="json"
        ).json()["data"]["id"]
        staff_client.patch(
            f"{base}/participants/{third_id}", {"outcome": "completed"}, format="json"
        )
        rows = staff_client.get(f"{base}/report").json()["data"]
        by_quarter = {row["quarter"]: row for row in rows}
        assert by_quarter["2026-Q3"]["participants"] == 1
        assert by_quarter["2026-Q3"]["placement_rate"] == 1.0
        assert by_quarter["2026-Q4"]["participants"] == 2
        assert by_quarter["2026-Q4"]["completions"] == 1
        assert by_quarter["2026-Q4"]["placement_rate"] == 0.0
        total = by_quarter["total"]
        assert (total["participants"], total["completions"], total["hires"]) == (
            3,
            2,
            1,
        )
        assert total["placement_rate"] == 0.5

        response = staff_client.get(f"{base}/report?format=csv")
        assert response["Content-Type"].startswith("text/csv")
        parsed = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert parsed[-1]["quarter"] == "total"
        assert parsed[-1]["placement_rate"] == "0.5000"

        pdf = staff_client.get(f"{base}/report?format=pdf")
        assert pdf["Content-Type"] == "application/pdf"
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert "2026-Q4" in text

    def test_roster_csv_escapes_formulas_and_pdf_lists_people(
        self, staff_client, cohort
    ):
        staff_client.post(
            f"{BASE}/{cohort['id']}/participants",
            {**PARTICIPANT, "full_name": '=HYPERLINK("x")'},
            format="json",
        )
        roster = staff_client.get(f"{BASE}/{cohort['id']}/roster?format=csv")
        [row] = list(csv.DictReader(io.StringIO(roster.content.decode())))
        assert row["full_name"].startswith("'=")
        assert row["installation"] == "Fort Liberty"
        pdf = staff_client.get(f"{BASE}/{cohort['id']}/roster?format=pdf")
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert "Fort Liberty" in text
        assert (
            staff_client.get(f"{BASE}/{cohort['id']}/roster?format=xml").status_code
            == 400
        )

    def test_list_query_counts_do_not_grow(
        self, staff_client, cohort, participant, django_assert_max_num_queries
    ):
        urls = [BASE, f"{BASE}/{cohort['id']}/participants"]
        counts = {}
        for url in urls:
            with django_assert_max_num_queries(20) as captured:
                staff_client.get(url)
            counts[url] = len(captured.captured_queries)
        for index in range(4):
            staff_client.post(BASE, {"name": f"C{index}"}, format="json")
            staff_client.post(
                f"{BASE}/{cohort['id']}/participants",
                {**PARTICIPANT, "full_name": f"P{index}"},
                format="json",
            )
        for url in urls:
            with django_assert_max_num_queries(counts[url]):
                assert staff_client.get(url).status_code == 200

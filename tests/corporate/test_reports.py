"""The progress report: per current member per course, as JSON, CSV and a real XLSX
workbook, built by a job when large; never answers; a removed member is gone."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from assessments.services import assessment_create, attempt_submit
from corporate.models import OrganizationMembership
from corporate.services import organization_member_remove
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue
from portal.jobs.models import Job

from .conftest import data_of, error_of, member_of

pytestmark = pytest.mark.django_db

QUIZ = [
    {"id": "q1", "type": "true_false", "prompt": "TLS 1.0 is safe.", "correct": False},
    {"id": "q2", "type": "true_false", "prompt": "MFA helps.", "correct": True},
]


def report_url(org, query=""):
    return f"/api/v1/organizations/{org.pk}/reports/progress{query}"


@pytest.fixture
def world(acme, make_course, instructor):
    """Ann completed a one-module course (certificate) and scored 50 then 100 on its
    quiz; Bob is halfway through a two-module course; Cy left Acme."""
    short = make_course(title="Phishing 101", modules=(("Spot it", True),))
    longer = make_course(title="Zero Trust", modules=(("One", True), ("Two", True)))
    quiz = assessment_create(
        actor=instructor,
        course_id=short.pk,
        title="Quiz",
        assessment_type="quiz",
        questions=QUIZ,
        passing_score=50,
        max_attempts=3,
    )
    ann = member_of(acme, email="ann@example.org", first_name="Ann")
    bob = member_of(acme, email="bob@example.org", first_name="Bob")
    cy = member_of(acme, email="cy@example.org", first_name="Cy")
    for person, course in ((ann, short), (bob, longer), (cy, longer)):
        enrollment_create(actor=person, course_id=course.pk)
    attempt_submit(actor=ann, assessment_id=quiz.pk, answers={"q1": True, "q2": True})
    attempt_submit(actor=ann, assessment_id=quiz.pk, answers={"q1": False, "q2": True})
    module = short.get_children().live().first()
    module_progress_record(
        actor=ann,
        course_id=short.pk,
        module_id=module.pk,
        completed=True,
        time_spent=300,
    )
    enrollment = ann.enrollments.get()
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    first = longer.get_children().live().first()
    module_progress_record(
        actor=bob,
        course_id=longer.pk,
        module_id=first.pk,
        completed=True,
        time_spent=120,
    )
    organization_member_remove(
        membership=OrganizationMembership.objects.get(user=cy, organization=acme)
    )
    return {"ann": ann, "bob": bob, "cy": cy, "certificate": certificate}


class TestJSON:
    def test_rows(self, as_user, acme, rep_a, world):
        rows = data_of(as_user(rep_a).get(report_url(acme)))
        assert [r["email"] for r in rows] == ["ann@example.org", "bob@example.org"]
        ann, bob = rows
        assert ann["status"] == "completed"
        assert ann["progress_percentage"] == 100.0
        assert ann["best_score"] == 100.0
        assert ann["time_spent"] == 300
        assert ann["certificate_number"] == world["certificate"].number
        assert bob["status"] == "active"
        assert bob["progress_percentage"] == 50.0
        assert bob["best_score"] is None
        assert bob["certificate_number"] is None
        assert bob["last_activity"] is not None

    def test_never_answers(self, as_user, acme, rep_a, world):
        body = as_user(rep_a).get(report_url(acme)).content.decode()
        assert "answers" not in body
        assert "TLS" not in body

    def test_paginated(self, as_user, acme, rep_a, world):
        body = as_user(rep_a).get(report_url(acme, "?per_page=1&page=2")).json()
        assert body["meta"]["pagination"]["total"] == 2
        assert [r["email"] for r in body["data"]] == ["bob@example.org"]

    def test_queries_do_not_grow(
        self, as_user, acme, rep_a, course, django_assert_max_num_queries
    ):
        client = as_user(rep_a)
        for _ in range(2):
            enrollment_create(actor=member_of(acme), course_id=course.pk)
        with django_assert_max_num_queries(12) as few:
            client.get(report_url(acme))
        for _ in range(8):
            enrollment_create(actor=member_of(acme), course_id=course.pk)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(report_url(acme))
        assert len(response.json()["data"]) == 10

    def test_unknown_format_is_400(self, as_user, acme, rep_a):
        response = as_user(rep_a).get(report_url(acme, "?format=pdf"))
        assert error_of(response, 400)["field"] == "format"


class TestFiles:
    def test_csv(self, as_user, acme, rep_a, world):
        response = as_user(rep_a).get(report_url(acme, "?format=csv"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["email"] for r in rows] == ["ann@example.org", "bob@example.org"]
        assert rows[0]["certificate_number"] == world["certificate"].number

    def test_xlsx_is_a_real_workbook(self, as_user, acme, rep_a, world):
        response = as_user(rep_a).get(report_url(acme, "?format=xlsx"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert header[:2] == ("member_id", "email")
        emails = [row[header.index("email")] for row in rows[1:]]
        assert emails == ["ann@example.org", "bob@example.org"]
        assert rows[1][header.index("best_score")] == 100.0

    def test_formula_cells_are_defused(self, as_user, acme, rep_a, course):
        member = member_of(acme, first_name="=HYPERLINK(1)")
        enrollment_create(actor=member, course_id=course.pk)
        text = as_user(rep_a).get(report_url(acme, "?format=csv")).content.decode()
        assert "'=HYPERLINK(1)" in text

    @override_settings(REPORT_SYNC_MAX_ROWS=1)
    def test_large_report_is_a_job_with_an_expiring_download(
        self,
        as_user,
        acme,
        rep_a,
        admin_user,
        world,
        django_capture_on_commit_callbacks,
    ):
        client = as_user(rep_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(report_url(acme, "?format=xlsx"))
        job = data_of(response, 202)["job"]
        job = data_of(client.get(f"/api/v1/jobs/{job['id']}"))
        assert job["status"] == "succeeded"
        url = job["result"]["download_url"]
        download = client.get(url)
        assert download.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
        assert sheet.max_row == 3
        # The admin sees the job but not the link or the file (it is the rep's).
        admin = as_user(admin_user)
        seen = data_of(admin.get(f"/api/v1/jobs/{job['id']}"))
        assert "download_url" not in (seen["result"] or {})
        assert admin.get(url).status_code == 404
        # Expired: no link, no file.
        Job.objects.filter(pk=job["id"]).update(
            file_expires_at=timezone.now() - timedelta(seconds=1)
        )
        client = as_user(rep_a)
        assert (
            "download_url"
            not in data_of(client.get(f"/api/v1/jobs/{job['id']}"))["result"]
        )
        assert error_of(client.get(url), 404)["code"] == "NOT_FOUND"


class TestRemovedMember:
    def test_disappears_from_reports_from_then_on(self, as_user, acme, rep_a, world):
        rows = data_of(as_user(rep_a).get(report_url(acme)))
        assert "cy@example.org" not in [r["email"] for r in rows]
        membership = OrganizationMembership.objects.get(user=world["cy"])
        assert membership.left_at is not None  # the period is kept

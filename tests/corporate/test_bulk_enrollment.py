"""Bulk enrollment: JSON or CSV in, a job out; the file is checked whole before any
row is applied; each row gets an outcome; a job that fails half-way keeps and
reports what it applied."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from corporate.models import Invitation, OrganizationMembership
from learning.models import Enrollment
from portal.jobs.models import Job
from tests.portal.factories import UserFactory

from .conftest import data_of, error_of, member_of

pytestmark = pytest.mark.django_db


def bulk_url(org):
    return f"/api/v1/organizations/{org.pk}/enrollments"


def csv_file(text: str, encoding="utf-8", name="people.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run the on-commit work (the job's task, eager) of each call made inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def job_of(client, response):
    job = data_of(response, 202)["job"]
    return data_of(client.get(f"/api/v1/jobs/{job['id']}"))


class TestBulkJSON:
    def test_rows_get_outcomes(self, as_user, acme, rep_a, course, seats, run_jobs):
        one, two = member_of(acme), UserFactory()  # two is not a member yet
        already = member_of(acme)
        Enrollment.objects.create(
            user=already, course=course, enrolled_at=course.first_published_at
        )
        client = as_user(rep_a)
        emails = [
            one.email,
            "not-an-address",
            two.email,
            one.email,
            already.email,
            "newcomer@example.org",
        ]
        with run_jobs():
            response = client.post(
                bulk_url(acme),
                {"course_id": course.pk, "emails": emails},
                format="json",
            )
        job = job_of(client, response)
        assert job["status"] == "succeeded"
        assert job["kind"] == "bulk_enrollment"
        assert job["progress"] == {"done": 6, "total": 6}
        outcomes = [(r["row"], r["outcome"]) for r in job["result"]["rows"]]
        assert outcomes == [
            (1, "enrolled"),
            (2, "invalid"),
            (3, "enrolled"),
            (4, "already_enrolled"),
            (5, "already_enrolled"),
            (6, "invited"),
        ]
        assert job["result"]["rows"][3]["reason"] == "Duplicate of row 1."
        assert job["result"]["summary"]["enrolled"] == 2
        assert OrganizationMembership.objects.current().filter(user=two).exists()
        assert Invitation.objects.get().course_id == course.pk
        assert job["finished_at"] is not None

    def test_no_seat_rows(self, as_user, acme, rep_a, course, seats, run_jobs):
        people = [member_of(acme) for _ in range(4)]  # three seats
        client = as_user(rep_a)
        with run_jobs():
            response = client.post(
                bulk_url(acme),
                {"course_id": course.pk, "emails": [p.email for p in people]},
                format="json",
            )
        rows = job_of(client, response)["result"]["rows"]
        assert [r["outcome"] for r in rows] == ["enrolled"] * 3 + ["no_seat"]

    def test_unknown_course_rows_are_invalid(self, as_user, acme, rep_a, run_jobs):
        client = as_user(rep_a)
        with run_jobs():
            response = client.post(
                bulk_url(acme),
                {"course_id": 424242, "emails": ["a@example.org"]},
                format="json",
            )
        row = job_of(client, response)["result"]["rows"][0]
        assert row["outcome"] == "invalid"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"emails": ["a@example.org"]}, "course_id"),
            ({"course_id": 1, "emails": []}, "emails"),
            ({"course_id": 1, "emails": "a@example.org"}, "emails"),
            ({"course_id": 1, "emails": [5]}, "emails.0"),
        ],
    )
    def test_bad_body_is_400(self, as_user, acme, rep_a, body, field):
        response = as_user(rep_a).post(bulk_url(acme), body, format="json")
        assert error_of(response, 400)["field"] == field
        assert not Job.objects.exists()


class TestBulkCSV:
    def post(self, client, org, upload, **fields):
        return client.post(
            bulk_url(org), {"file": upload, **fields}, format="multipart"
        )

    def test_csv_with_bom_names_and_course_column(
        self, as_user, acme, rep_a, course, seats, run_jobs
    ):
        member = member_of(acme)
        text = (
            "\ufeffEmail,First Name,Last Name,course_id\r\n"
            f"{member.email},Pat,Member,{course.pk}\r\n"
            f"zoe@example.org,Zoé,Durand,{course.pk}\r\n"
            "\r\n"
        )
        client = as_user(rep_a)
        with run_jobs():
            response = self.post(client, acme, csv_file(text))
        job = job_of(client, response)
        assert [(r["row"], r["outcome"]) for r in job["result"]["rows"]] == [
            (2, "enrolled"),
            (3, "invited"),
        ]
        assert Invitation.objects.get().first_name == "Zoé"

    def test_excel_semicolons_and_windows_1252(
        self, as_user, acme, rep_a, course, seats, run_jobs
    ):
        member = member_of(acme)
        text = f"email;first_name\r\n{member.email};Renée\r\n"
        client = as_user(rep_a)
        with run_jobs():
            response = self.post(
                client, acme, csv_file(text, encoding="cp1252"), course_id=course.pk
            )
        rows = job_of(client, response)["result"]["rows"]
        assert rows[0]["outcome"] == "enrolled"

    @pytest.mark.parametrize(
        ("content", "field"),
        [
            (b"name,phone\r\nPat,1\r\n", "file"),  # no email column
            (b"", "file"),
            (b"email\r\n", "file"),  # header only
            (b"\x00\x01\x02binary\xff\xfe", "file"),
            (b"email,course_id\r\na@example.org,abc\r\n", "file"),
            (b"email\r\na@example.org\r\n", "course_id"),  # no course anywhere
        ],
    )
    def test_malformed_file_is_400_before_any_row(
        self, as_user, acme, rep_a, course, seats, content, field
    ):
        upload = SimpleUploadedFile("x.csv", content, content_type="text/csv")
        response = self.post(as_user(rep_a), acme, upload)
        assert error_of(response, 400)["field"] == field
        assert not Job.objects.exists()
        assert not Enrollment.objects.exists()

    @override_settings(BULK_ENROLLMENT_MAX_ROWS=3)
    def test_too_many_rows_is_400(self, as_user, acme, rep_a, course):
        text = "email\r\n" + "".join(f"p{i}@example.org\r\n" for i in range(4))
        response = self.post(as_user(rep_a), acme, csv_file(text), course_id=course.pk)
        assert error_of(response, 400)["field"] == "file"

    def test_ten_thousand_rows_are_accepted(self, as_user, acme, rep_a, course):
        text = "email\r\n" + "".join(f"p{i}@example.org\r\n" for i in range(10_000))
        with mock.patch("corporate.tasks.run_bulk_enrollment.delay"):
            response = self.post(
                as_user(rep_a), acme, csv_file(text), course_id=course.pk
            )
        job = data_of(response, 202)["job"]
        assert job["status"] == "queued"
        assert job["progress"] == {"done": 0, "total": 10_000}


class TestHalfWayFailure:
    def test_applied_rows_stay_and_are_reported(
        self, as_user, acme, rep_a, course, seats, run_jobs
    ):
        people = [member_of(acme) for _ in range(3)]
        from corporate.services import seats as seat_services

        real = seat_services.seat_enrollment_create
        calls = {"n": 0}

        def flaky(**kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("database went away")
            return real(**kwargs)

        client = as_user(rep_a)
        with (
            mock.patch("corporate.services.bulk.seat_enrollment_create", flaky),
            run_jobs(),
        ):
            response = client.post(
                bulk_url(acme),
                {"course_id": course.pk, "emails": [p.email for p in people]},
                format="json",
            )
        job = job_of(client, response)
        assert job["status"] == "failed"
        assert "database" not in job["error"]
        assert [r["outcome"] for r in job["result"]["rows"]] == ["enrolled"] * 2
        assert job["result"]["failed_row"] == 3
        assert job["progress"]["done"] == 2
        assert set(
            Enrollment.objects.filter(course=course).values_list("user_id", flat=True)
        ) == {people[0].pk, people[1].pk}


class TestUploadLimit:
    def test_bulk_upload_paths_take_a_file(self, settings):
        from portal.request_limits import body_limit

        base = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        extra = settings.BULK_ENROLLMENT_MAX_BYTES
        assert body_limit("/api/v1/organizations/5/enrollments") == base + extra
        assert body_limit("/organizations/acme/upload/") == base + extra
        assert body_limit("/api/v1/organizations/5/members") == base

"""Exam vouchers (loaded by admins from CSV, claimed once by learners who completed
the course, never handed out twice) and CE credits with CSV and PDF exports."""

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from pypdf import PdfReader
from rest_framework.test import APIClient

from content.models import ModulePage
from learning.certifications.models import CourseCredit, VoucherCode
from learning.models import EnrollmentSource
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def complete(course, learner, admin_user):
    enrollment = enrollment_create(
        actor=admin_user,
        user=learner,
        course_id=course.pk,
        source=EnrollmentSource.ADMIN,
    )
    for module in ModulePage.objects.child_of(course).live():
        module_progress_record(
            actor=learner, course_id=course.pk, module_id=module.pk, completed=True
        )
    return enrollment


@pytest.fixture
def short_course(make_course):
    return make_course(title="Security+ Prep", modules=(("Only", True),))


def load(client, course, codes=None, csv_text=None):
    url = f"/api/v1/courses/{course.pk}/vouchers"
    if csv_text is not None:
        upload = SimpleUploadedFile("codes.csv", csv_text.encode(), "text/csv")
        return client.post(url, {"file": upload}, format="multipart")
    return client.post(url, {"codes": codes, "exam": "Security+"}, format="json")


class TestLoading:
    def test_an_admin_loads_a_csv_and_duplicates_are_skipped(
        self, api_client, admin_user, short_course
    ):
        signed_in(api_client, admin_user)
        response = load(
            api_client,
            short_course,
            csv_text="code,exam\nSEC-1,Security+\nSEC-2,Security+\nSEC-1,Security+\n",
        )
        assert response.status_code == 201, response.content
        assert response.json()["data"] == {"loaded": 2, "duplicates": 1}
        again = load(api_client, short_course, codes=["SEC-2", "SEC-3"])
        assert again.json()["data"] == {"loaded": 1, "duplicates": 1}
        stock = api_client.get(f"/api/v1/courses/{short_course.pk}/vouchers/")
        assert stock.json()["data"] == {"total": 3, "claimed": 0, "available": 3}

    def test_a_csv_without_a_code_column_is_400(
        self, api_client, admin_user, short_course
    ):
        signed_in(api_client, admin_user)
        response = load(api_client, short_course, csv_text="voucher\nX\n")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "file"

    def test_learners_and_instructors_cannot_load_or_see_stock(
        self, api_client, short_course, student, instructor
    ):
        for user in (student, instructor):
            signed_in(api_client, user)
            assert load(api_client, short_course, codes=["X"]).status_code == 403
            stock = api_client.get(f"/api/v1/courses/{short_course.pk}/vouchers")
            assert stock.status_code == 403
        assert not VoucherCode.objects.exists()


class TestClaiming:
    def test_a_learner_who_completed_claims_one_code_once(
        self, api_client, admin_user, short_course, student
    ):
        signed_in(api_client, admin_user)
        load(api_client, short_course, codes=["A-1", "A-2"])
        complete(short_course, student, admin_user)
        signed_in(api_client, student)
        url = f"/api/v1/courses/{short_course.pk}/vouchers/claim"

        first = api_client.post(url)
        again = api_client.post(url + "/")

        assert first.status_code == 201, first.content
        assert first.json()["data"]["code"] == "A-1"
        assert first.json()["data"]["exam"] == "Security+"
        assert again.json()["data"]["code"] == "A-1"
        assert VoucherCode.objects.filter(claimed_by=student).count() == 1

    def test_without_completing_the_course_is_403(
        self, api_client, admin_user, short_course, student
    ):
        signed_in(api_client, admin_user)
        load(api_client, short_course, codes=["A-1"])
        enrollment_create(
            actor=admin_user,
            user=student,
            course_id=short_course.pk,
            source=EnrollmentSource.ADMIN,
        )
        signed_in(api_client, student)
        response = api_client.post(f"/api/v1/courses/{short_course.pk}/vouchers/claim")
        assert response.status_code == 403
        assert not VoucherCode.objects.filter(claimed_by__isnull=False).exists()

    def test_none_left_is_409(self, api_client, admin_user, short_course, student):
        complete(short_course, student, admin_user)
        signed_in(api_client, student)
        response = api_client.post(f"/api/v1/courses/{short_course.pk}/vouchers/claim")
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "NO_VOUCHERS_LEFT"

    def test_unknown_course_is_404(self, api_client, student):
        signed_in(api_client, student)
        assert (
            api_client.post("/api/v1/courses/999999/vouchers/claim").status_code == 404
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestRacingClaims:
    @pytest.mark.parametrize("codes", [1, 2])
    def test_two_learners_racing_for_codes_never_share_one(
        self, make_course, admin_user, codes, home_page
    ):
        course = make_course(title="Race Prep", modules=(("Only", True),))
        VoucherCode.objects.bulk_create(
            VoucherCode(course=course, code=f"R-{i}") for i in range(codes)
        )
        learners = [UserFactory(), UserFactory()]
        for learner in learners:
            complete(course, learner, admin_user)
        clients = []
        for learner in learners:
            client = APIClient()
            signed_in(client, learner)
            clients.append(client)
        barrier = threading.Barrier(len(clients))
        answers = []
        lock = threading.Lock()

        def run(client):
            try:
                barrier.wait(timeout=10)
                response = client.post(f"/api/v1/courses/{course.pk}/vouchers/claim")
                with lock:
                    answers.append(response)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        won = [a.json()["data"]["code"] for a in answers if a.status_code == 201]
        refused = [a for a in answers if a.status_code == 409]
        assert len(won) == codes
        assert len(set(won)) == len(won)
        assert len(refused) == 2 - codes
        claimed = VoucherCode.objects.filter(claimed_by__isnull=False)
        assert claimed.count() == codes


class TestCredits:
    def test_hours_per_course_and_the_learners_exports(
        self, api_client, admin_user, make_course, student
    ):
        course = make_course(title="CySA+ Prep", modules=(("Only", True),))
        other = make_course(title="Unfinished", modules=(("Only", True),))
        signed_in(api_client, admin_user)
        for body, hours in (("comptia_ceu", "8"), ("isc2_cpe", "8.5")):
            response = api_client.put(
                f"/api/v1/courses/{course.pk}/ce-credits",
                {"body": body, "hours": hours},
                format="json",
            )
            assert response.status_code == 200, response.content
        api_client.put(
            f"/api/v1/courses/{other.pk}/ce-credits",
            {"body": "isc2_cpe", "hours": "3"},
            format="json",
        )
        enrollment = complete(course, student, admin_user)
        certificate = certificate_issue(enrollment_id=enrollment.pk)
        enrollment_create(
            actor=admin_user, user=student, course_id=other.pk, source="admin"
        )
        signed_in(api_client, student)

        rows = api_client.get("/api/v1/users/me/ce-credits").json()["data"]
        assert [(r["course_title"], r["body"], r["hours"]) for r in rows] == [
            ("CySA+ Prep", "comptia_ceu", "8.00"),
            ("CySA+ Prep", "isc2_cpe", "8.50"),
        ]
        assert rows[0]["certificate_number"] == certificate.number

        csv_response = api_client.get("/api/v1/users/me/ce-credits", {"format": "csv"})
        assert csv_response["Content-Type"] == "text/csv"
        lines = csv_response.content.decode().splitlines()
        assert lines[0].startswith("learner,email,course,body,hours")
        assert "ISC2 CPE,8.50" in lines[2]
        assert certificate.number in lines[1]

        pdf = api_client.get("/api/v1/users/me/ce-credits/", {"format": "pdf"})
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert "CySA+ Prep" in text
        assert "Total ISC2 CPE: 8.5 hours" in text

    def test_bad_input_and_access(self, api_client, admin_user, student, course):
        signed_in(api_client, admin_user)
        for body in (
            {"body": "sans", "hours": "1"},
            {"body": "isc2_cpe", "hours": "-1"},
        ):
            response = api_client.put(
                f"/api/v1/courses/{course.pk}/ce-credits", body, format="json"
            )
            assert response.status_code == 400
        assert (
            api_client.get("/api/v1/users/me/ce-credits", {"format": "xml"}).status_code
            == 400
        )
        signed_in(api_client, student)
        response = api_client.put(
            f"/api/v1/courses/{course.pk}/ce-credits",
            {"body": "isc2_cpe", "hours": "1"},
            format="json",
        )
        assert response.status_code == 403
        assert not CourseCredit.objects.exists()
        other = UserFactory()
        assert api_client.get(f"/api/v1/users/{other.pk}/ce-credits").status_code == 404

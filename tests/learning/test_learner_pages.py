"""The learner's rendered pages: enroll, mark complete, My learning, certificates."""

import pytest

from content.models import ModulePage
from learning.models import Certificate, Enrollment
from learning.services import enrollment_create
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def live_modules(course):
    return list(ModulePage.objects.child_of(course).live().order_by("path"))


class TestEnrollPage:
    def test_enroll_form_enrolls_and_opens_the_first_module(
        self, client, course, student
    ):
        client.force_login(student)
        response = client.post(f"/learn/courses/{course.pk}/enroll/")
        assert response.status_code == 302
        assert response["Location"] == live_modules(course)[0].url
        assert Enrollment.objects.filter(user=student, course=course).exists()

    def test_anonymous_is_sent_to_sign_in(self, client, course):
        response = client.post(f"/learn/courses/{course.pk}/enroll/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_full_course_shows_a_message(self, client, make_course, student):
        small = make_course(title="Tiny", capacity=1)
        enrollment_create(actor=UserFactory(), course_id=small.pk)
        client.force_login(student)
        response = client.post(f"/learn/courses/{small.pk}/enroll/", follow=True)
        assert "This course is full." in response.content.decode()
        assert not Enrollment.objects.filter(user=student).exists()

    def test_only_post(self, client, course, student):
        client.force_login(student)
        assert client.get(f"/learn/courses/{course.pk}/enroll/").status_code == 405


class TestCompleteModule:
    def test_mark_complete_then_continue(self, client, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        first, second, _ = live_modules(course)
        client.force_login(student)
        response = client.post(
            f"/learn/modules/{first.pk}/complete/", {"next": second.url}
        )
        assert response.status_code == 302
        assert response["Location"] == second.url
        assert Enrollment.objects.get(user=student).progress_percentage == 50

    def test_external_next_is_ignored(self, client, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        first = live_modules(course)[0]
        client.force_login(student)
        response = client.post(
            f"/learn/modules/{first.pk}/complete/", {"next": "https://evil.example/"}
        )
        assert response["Location"] == first.url

    def test_not_enrolled(self, client, course, student):
        client.force_login(student)
        first = live_modules(course)[0]
        response = client.post(f"/learn/modules/{first.pk}/complete/", follow=True)
        assert "not enrolled" in response.content.decode()


class TestMyLearning:
    def test_dashboard_shows_progress_and_certificates(
        self, client, course, student, django_capture_on_commit_callbacks
    ):
        enrollment_create(actor=student, course_id=course.pk)
        client.force_login(student)
        with django_capture_on_commit_callbacks(execute=True):
            for module in live_modules(course):
                client.post(f"/learn/modules/{module.pk}/complete/")
        html = client.get("/learn/").content.decode()
        assert course.title in html
        assert 'aria-valuenow="100"' in html
        certificate = Certificate.objects.get(user=student)
        assert f"/learn/certificates/{certificate.pk}/download/" in html
        download = client.get(f"/learn/certificates/{certificate.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        detail = client.get(f"/learn/certificates/{certificate.pk}/")
        assert certificate.number in detail.content.decode()

    def test_another_learners_certificate_is_404(
        self, client, course, student, django_capture_on_commit_callbacks
    ):
        enrollment_create(actor=student, course_id=course.pk)
        client.force_login(student)
        with django_capture_on_commit_callbacks(execute=True):
            for module in live_modules(course):
                client.post(f"/learn/modules/{module.pk}/complete/")
        certificate = Certificate.objects.get(user=student)
        client.force_login(UserFactory())
        assert client.get(f"/learn/certificates/{certificate.pk}/").status_code == 404
        download = client.get(f"/learn/certificates/{certificate.pk}/download/")
        assert download.status_code == 404

    def test_requires_sign_in(self, client):
        assert client.get("/learn/").status_code == 302

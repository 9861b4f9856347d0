"""A revoked certificate is replaced when the course is completed again after the
revocation (an invalidated pass), and only then; one valid certificate per
enrollment, also under racing issue calls and in the database."""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from content.models import ModulePage
from learning.models import Certificate, Enrollment, EnrollmentStatus
from learning.services import (
    enrollment_create,
    module_completion_revoke,
    module_progress_record,
)
from learning.services.certificates import (
    certificate_issue,
    certificate_revoke,
    certificate_verify,
)
from learning.tasks import issue_certificate
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

REASON = "The exam that completed it was invalidated."


def modules(course) -> dict[str, ModulePage]:
    return {m.title: m for m in ModulePage.objects.child_of(course).live()}


def complete(user, course, titles=None) -> None:
    for title, module in modules(course).items():
        if titles is None or title in titles:
            module_progress_record(
                actor=user, course_id=course.pk, module_id=module.pk, completed=True
            )


def verify_api(certificate, **body):
    return APIClient().post(
        f"/api/v1/certificates/{certificate.pk}/verify", body, format="json"
    )


@pytest.fixture
def graduate(course, django_capture_on_commit_callbacks):
    """A learner who completed ``course`` and holds its (valid) certificate."""
    user = UserFactory()
    enrollment_create(actor=user, course_id=course.pk)
    with django_capture_on_commit_callbacks(execute=True):
        complete(user, course)
    return user


@pytest.mark.django_db
class TestReissueAfterInvalidation:
    @pytest.fixture
    def reissued(
        self, graduate, course, instructor, django_capture_on_commit_callbacks
    ):
        """complete -> certificate -> pass invalidated -> completed again."""
        first = Certificate.objects.get(user=graduate)
        module_completion_revoke(
            user=graduate, module=modules(course)["Firewalls"], reason=REASON
        )
        with django_capture_on_commit_callbacks(execute=True):
            complete(graduate, course, {"Firewalls"})
        first.refresh_from_db()
        return first, Certificate.objects.exclude(pk=first.pk).get(user=graduate)

    def test_a_new_valid_certificate_next_to_the_revoked_one(
        self, reissued, graduate, course
    ):
        old, new = reissued
        enrollment = Enrollment.objects.get(user=graduate, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert Certificate.objects.filter(enrollment=enrollment).count() == 2
        assert set(enrollment.certificates_issued.all()) == {old, new}
        assert old.revoked_at is not None
        assert old.revoked_reason == REASON
        assert new.revoked_at is None
        assert new.enrollment == enrollment
        assert new.issued_at > old.revoked_at
        assert new.number != old.number
        assert new.verification_hash != old.verification_hash
        assert new.pdf.name.endswith(".pdf")
        assert new.pdf.name != old.pdf.name

    def test_the_old_verifies_revoked_and_the_new_valid(self, reissued):
        old, new = reissued
        for number, hash_ in ((old.number, ""), ("", old.verification_hash)):
            verification = certificate_verify(number=number, verification_hash=hash_)
            assert verification.certificate == old
            assert verification.revoked
            assert not verification.valid
        for number, hash_ in ((new.number, ""), ("", new.verification_hash)):
            verification = certificate_verify(number=number, verification_hash=hash_)
            assert verification.certificate == new
            assert verification.valid
        old_data = verify_api(old, certificate_number=old.number).json()["data"]
        assert old_data["valid"] is False
        assert old_data["revoked"] is True
        new_data = verify_api(new, verification_hash=new.verification_hash).json()
        assert new_data["data"]["valid"] is True
        assert new_data["data"]["revoked"] is False

    def test_the_audit_log_notes_what_was_replaced(self, reissued, graduate):
        old, new = reissued
        issued = AuditLog.objects.filter(action="certificate.issued").order_by("pk")
        assert [entry.resource_id for entry in issued] == [str(old.pk), str(new.pk)]
        assert "replaces" not in issued[0].details
        assert issued[1].details["number"] == new.number
        assert issued[1].details["replaces"] == old.number
        assert issued[1].user == graduate

    def test_issuing_again_returns_the_new_certificate(self, reissued):
        _old, new = reissued
        assert certificate_issue(enrollment_id=new.enrollment_id) == new
        assert issue_certificate(new.enrollment_id) == new.pk
        assert Certificate.objects.filter(enrollment=new.enrollment_id).count() == 2
        assert AuditLog.objects.filter(action="certificate.issued").count() == 2

    def test_the_listing_shows_both(self, reissued, api_client, graduate):
        old, new = reissued
        signed_in(api_client, graduate)
        body = api_client.get(f"/api/v1/users/{graduate.pk}/certificates").json()
        rows = {row["id"]: row for row in body["data"]}
        assert list(rows) == [new.pk, old.pk]
        assert rows[old.pk]["revoked"] is True
        assert rows[new.pk]["revoked"] is False
        assert rows[new.pk]["certificate_number"] == new.number

    def test_an_outsider_sees_neither(self, reissued, api_client, graduate):
        old, new = reissued
        signed_in(api_client, UserFactory())
        listing = api_client.get(f"/api/v1/users/{graduate.pk}/certificates")
        assert listing.status_code == 404
        for certificate in (old, new):
            url = f"/api/v1/certificates/{certificate.pk}"
            assert api_client.get(url).status_code == 404

    def test_no_new_certificate_until_completed_again(self, graduate, course):
        first = Certificate.objects.get(user=graduate)
        module_completion_revoke(
            user=graduate, module=modules(course)["Firewalls"], reason=REASON
        )
        enrollment = Enrollment.objects.get(user=graduate, course=course)

        again = certificate_issue(enrollment_id=enrollment.pk)

        assert again == first
        assert again.revoked_at is not None
        assert Certificate.objects.filter(enrollment=enrollment).count() == 1


@pytest.mark.django_db
class TestAdminRevokeOfACompletedCourse:
    def test_issuing_again_brings_no_new_certificate(
        self, graduate, course, admin_user
    ):
        certificate = Certificate.objects.get(user=graduate)
        certificate_revoke(certificate=certificate, actor=admin_user, reason="Fraud")
        enrollment = Enrollment.objects.get(user=graduate, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED

        again = certificate_issue(enrollment_id=enrollment.pk)
        retried_task = issue_certificate(enrollment.pk)

        assert again.pk == retried_task == certificate.pk
        assert again.revoked_at is not None
        assert Certificate.objects.filter(enrollment=enrollment).count() == 1
        assert AuditLog.objects.filter(action="certificate.issued").count() == 1
        assert certificate_verify(number=certificate.number).revoked


@pytest.mark.django_db
class TestOneValidCertificateConstraint:
    def copy(self, certificate, suffix, **fields) -> Certificate:
        return Certificate.objects.create(
            enrollment=certificate.enrollment,
            user=certificate.user,
            course=certificate.course,
            number=f"TEST-COPY-{suffix}",
            verification_hash=f"{suffix}" * 64,
            holder_name=certificate.holder_name,
            course_title=certificate.course_title,
            issued_at=timezone.now(),
            **fields,
        )

    def test_a_second_valid_certificate_is_refused(self, graduate):
        certificate = Certificate.objects.get(user=graduate)
        with (
            pytest.raises(
                IntegrityError,
                # PostgreSQL names the constraint; SQLite names its column.
                match=r"learning_certificate_one_valid_per_enrollment"
                r"|UNIQUE constraint failed: learning_certificate\.enrollment_id",
            ),
            transaction.atomic(),
        ):
            self.copy(certificate, "2")
        assert Certificate.objects.filter(user=graduate).count() == 1

    def test_revoked_ones_may_accumulate(self, graduate):
        certificate = Certificate.objects.get(user=graduate)
        self.copy(certificate, "2", revoked_at=timezone.now())
        self.copy(certificate, "3", revoked_at=timezone.now())
        assert Certificate.objects.filter(user=graduate).count() == 3
        assert (
            Certificate.objects.filter(user=graduate, revoked_at__isnull=True).get()
            == certificate
        )


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRace:
    THREADS = 4

    def test_racing_issue_calls_create_exactly_one_new_certificate(self, course):
        learner = UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        complete(learner, course)  # eager task on commit: the first certificate
        first = Certificate.objects.get(enrollment=enrollment)
        module_completion_revoke(
            user=learner, module=modules(course)["Firewalls"], reason=REASON
        )
        # Completed again, but the issuing task is left to the racing calls below.
        with mock.patch("learning.services.progress.issue_certificate"):
            complete(learner, course, {"Firewalls"})
        assert Certificate.objects.filter(enrollment=enrollment).count() == 1

        barrier = threading.Barrier(self.THREADS)
        issued: list[int] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def issue():
            try:
                barrier.wait(timeout=10)
                certificate = certificate_issue(enrollment_id=enrollment.pk)
                with lock:
                    issued.append(certificate.pk)
            except BaseException as error:  # reported by the assertion below
                with lock:
                    errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=issue) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert errors == []
        assert len(issued) == self.THREADS
        certificates = Certificate.objects.filter(enrollment=enrollment)
        assert certificates.count() == 2
        new = certificates.get(revoked_at__isnull=True)
        assert new.pk != first.pk
        assert set(issued) == {new.pk}
        assert AuditLog.objects.filter(action="certificate.issued").count() == 2

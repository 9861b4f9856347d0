"""Enrollments, certificates and users in the Django admin: every action goes
through the services, is audit-logged, and only administrators get in."""

import pytest
from django.core import mail
from django.test import Client as WebClient
from django.utils import timezone

from learning.models import Certificate, Enrollment, EnrollmentSource, EnrollmentStatus
from learning.services import enrollment_cancel, enrollment_create
from learning.services.certificates import certificate_issue, certificate_verify
from portal.accounts.models import Role, User
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from portal.notifications.models import Notification
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ENROLLMENTS = "/django-admin/learning/enrollment/"
CERTIFICATES = "/django-admin/learning/certificate/"
USERS = "/django-admin/accounts/user/"


@pytest.fixture
def web(admin_user):
    client = WebClient()
    client.force_login(admin_user)
    return client


def completed(user, course) -> Enrollment:
    enrollment = enrollment_create(actor=user, course_id=course.pk)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    return enrollment


class TestEnrollmentAdmin:
    def test_list_filter_and_search(self, web, course, make_course):
        ada = UserFactory(email="ada@example.com")
        bob = UserFactory(email="bob@example.com")
        enrollment_create(actor=ada, course_id=course.pk)
        enrollment_cancel(
            enrollment=enrollment_create(actor=bob, course_id=course.pk), actor=bob
        )
        page = web.get(ENROLLMENTS).content.decode()
        assert "ada@example.com" in page
        assert "bob@example.com" in page
        assert "Enroll a learner" in page
        cancelled = web.get(ENROLLMENTS, {"status__exact": "cancelled"})
        assert "bob@example.com" in cancelled.content.decode()
        assert "ada@example.com" not in cancelled.content.decode()
        found = web.get(ENROLLMENTS, {"q": "ada@"}).content.decode()
        assert "ada@example.com" in found
        assert "bob@example.com" not in found

    def test_enroll_a_learner_without_payment(self, web, make_course, admin_user):
        paid = make_course(title="Paid course", price="99.00")
        learner = UserFactory()
        form = web.get(f"{ENROLLMENTS}enroll/")
        assert form.status_code == 200
        response = web.post(
            f"{ENROLLMENTS}enroll/", {"user": learner.pk, "course": paid.pk}
        )
        assert response.status_code == 302
        enrollment = Enrollment.objects.get(user=learner)
        assert enrollment.source == EnrollmentSource.ADMIN
        entry = AuditLog.objects.get(action="enrollment.created")
        assert entry.actor_id == admin_user.pk
        again = web.post(
            f"{ENROLLMENTS}enroll/", {"user": learner.pk, "course": paid.pk}
        )
        assert again.status_code == 200
        assert "already enrolled" in again.content.decode()

    def test_the_learner_is_searched_not_listed(self, web):
        # Twenty thousand learners do not fit a select: the form lists none and the
        # admin's autocomplete finds them by e-mail or name.
        ada = UserFactory(email="ada.lovelace@example.com", first_name="Ada")
        UserFactory(email="bob@example.com", first_name="Bob")
        form = web.get(f"{ENROLLMENTS}enroll/").content.decode()
        assert "admin-autocomplete" in form
        assert "ada.lovelace@example.com" not in form
        found = web.get(
            "/django-admin/autocomplete/",
            {
                "app_label": "learning",
                "model_name": "enrollment",
                "field_name": "user",
                "term": "lovelace",
            },
        )
        assert found.status_code == 200
        assert [r["id"] for r in found.json()["results"]] == [str(ada.pk)]

    def test_instructors_cannot_search_the_learners(self, instructor):
        UserFactory(email="ada.lovelace@example.com")
        client = WebClient()
        client.force_login(instructor)
        found = client.get(
            "/django-admin/autocomplete/",
            {
                "app_label": "learning",
                "model_name": "enrollment",
                "field_name": "user",
                "term": "lovelace",
            },
        )
        assert found.status_code in (302, 403)
        assert b"ada.lovelace@example.com" not in found.content

    def test_cancel_and_reopen_actions(self, web, course, admin_user):
        learner = UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        response = web.post(
            ENROLLMENTS,
            {"action": "cancel_enrollments", "_selected_action": [enrollment.pk]},
        )
        assert response.status_code == 302
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.CANCELLED
        web.post(
            ENROLLMENTS,
            {"action": "reopen_enrollments", "_selected_action": [enrollment.pk]},
        )
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.ACTIVE
        actions = list(
            AuditLog.objects.filter(actor_id=admin_user.pk)
            .filter(action__startswith="enrollment.")
            .values_list("action", flat=True)
            .order_by("created_at", "pk")
        )
        assert actions == ["enrollment.cancelled", "enrollment.reopened"]

    def test_rows_cannot_be_edited_or_deleted(self, web, course):
        enrollment = enrollment_create(actor=UserFactory(), course_id=course.pk)
        url = f"{ENROLLMENTS}{enrollment.pk}/change/"
        assert web.get(url).status_code == 200
        assert web.post(url, {"status": "completed"}).status_code == 403
        assert web.post(f"{ENROLLMENTS}{enrollment.pk}/delete/").status_code == 403
        assert web.get(f"{ENROLLMENTS}add/").status_code == 403

    @pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.STUDENT])
    def test_non_admins_stay_out(self, course, role):
        other = UserFactory(role=role)
        user_role_privileges_sync(user=other)
        client = WebClient()
        client.force_login(other)
        for url in (ENROLLMENTS, f"{ENROLLMENTS}enroll/", CERTIFICATES):
            response = client.get(url)
            assert response.status_code in (302, 403), url
        assert not Enrollment.objects.exists()


class TestCertificateAdmin:
    def test_revoke_with_reason_notifies_the_holder(
        self, web, course, admin_user, django_capture_on_commit_callbacks
    ):
        holder = UserFactory(email="grad@example.com", first_name="Grace")
        certificate = certificate_issue(enrollment_id=completed(holder, course).pk)
        selected = {
            "action": "revoke_certificates",
            "_selected_action": [certificate.pk],
        }
        asks = web.post(CERTIFICATES, selected)
        assert asks.status_code == 200
        assert "Reason" in asks.content.decode()
        blank = web.post(CERTIFICATES, {**selected, "apply": "1", "reason": " "})
        assert blank.status_code == 200
        certificate.refresh_from_db()
        assert certificate.revoked_at is None
        with django_capture_on_commit_callbacks(execute=True):
            done = web.post(
                CERTIFICATES,
                {**selected, "apply": "1", "reason": "Exam answers were copied."},
            )
        assert done.status_code == 302
        certificate.refresh_from_db()
        assert certificate.revoked_reason == "Exam answers were copied."
        assert certificate.revoked_by == admin_user
        assert certificate_verify(number=certificate.number).revoked
        entry = AuditLog.objects.get(action="certificate.revoked")
        assert entry.actor_id == admin_user.pk
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["grad@example.com"]
        assert message.subject == f"Your certificate {certificate.number} was revoked"
        assert "Hello Grace" in message.body
        assert course.title in message.body
        assert "Reason: Exam answers were copied." in message.body
        # Not optional: no unsubscribe link on a revocation.
        assert "Unsubscribe" not in message.body

    def test_revoking_twice_sends_once(
        self, course, admin_user, django_capture_on_commit_callbacks
    ):
        from learning.services.certificates import certificate_revoke

        certificate = certificate_issue(
            enrollment_id=completed(UserFactory(), course).pk
        )
        with django_capture_on_commit_callbacks(execute=True):
            certificate_revoke(certificate=certificate, actor=admin_user, reason="x")
            certificate_revoke(certificate=certificate, actor=admin_user, reason="y")
        assert len(mail.outbox) == 1
        assert (
            Notification.objects.filter(event="learning.certificate_revoked").count()
            == 1
        )

    def test_reissue_replaces_with_a_new_number(
        self, web, course, admin_user, django_capture_on_commit_callbacks
    ):
        holder = UserFactory(first_name="Old", last_name="Name")
        enrollment = completed(holder, course)
        old = certificate_issue(enrollment_id=enrollment.pk)
        holder.first_name = "New"
        holder.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = web.post(
                CERTIFICATES,
                {
                    "action": "reissue_certificates",
                    "_selected_action": [old.pk],
                    "apply": "1",
                    "reason": "Name changed.",
                },
            )
        assert response.status_code == 302
        old.refresh_from_db()
        assert old.revoked_at is not None
        new = Certificate.objects.get(enrollment=enrollment, revoked_at__isnull=True)
        assert new.number != old.number
        assert new.holder_name == "New Name"
        assert new.pdf  # rendered by the task after commit
        issued = AuditLog.objects.get(
            action="certificate.issued", resource_id=str(new.pk)
        )
        assert issued.details["replaces"] == old.number
        assert issued.actor_id == admin_user.pk
        # A re-issue is not a revocation notice.
        assert not Notification.objects.filter(event="learning.certificate_revoked")

    def test_reissue_needs_a_completed_enrollment(self, course, admin_user):
        from learning.services.certificates import certificate_reissue
        from portal.errors import Conflict

        holder = UserFactory()
        enrollment = completed(holder, course)
        certificate = certificate_issue(enrollment_id=enrollment.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=EnrollmentStatus.ACTIVE, completed_at=None
        )
        with pytest.raises(Conflict):
            certificate_reissue(
                certificate=certificate, actor=admin_user, reason="again"
            )

    def test_download(self, web, course):
        certificate = certificate_issue(
            enrollment_id=completed(UserFactory(), course).pk
        )
        listing = web.get(CERTIFICATES).content.decode()
        assert f"{CERTIFICATES}{certificate.pk}/download/" in listing
        response = web.get(f"{CERTIFICATES}{certificate.pk}/download/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_filter_revoked(self, web, course, admin_user):
        from learning.services.certificates import certificate_revoke

        valid = certificate_issue(enrollment_id=completed(UserFactory(), course).pk)
        revoked = certificate_issue(enrollment_id=completed(UserFactory(), course).pk)
        certificate_revoke(certificate=revoked, actor=admin_user, reason="r")
        page = web.get(CERTIFICATES, {"revoked_at__isnull": "False"}).content.decode()
        assert revoked.number in page
        assert valid.number not in page


class TestUserAdmin:
    def test_end_sessions_is_audited(self, web, admin_user):
        user = UserFactory()
        response = web.post(
            USERS, {"action": "end_sessions", "_selected_action": [user.pk]}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.sessions_revoked_at is not None
        entry = AuditLog.objects.get(action="user.sessions_ended")
        assert (entry.actor_id, entry.resource_id) == (admin_user.pk, str(user.pk))

    def test_deactivate_is_audited_and_spares_oneself(self, web, admin_user):
        user = UserFactory()
        web.post(
            USERS,
            {
                "action": "deactivate_users",
                "_selected_action": [user.pk, admin_user.pk],
            },
        )
        user.refresh_from_db()
        admin_user.refresh_from_db()
        assert not user.is_active
        assert admin_user.is_active
        entry = AuditLog.objects.get(action="user.deactivated")
        assert entry.resource_id == str(user.pk)

    def test_role_change_in_the_form_is_audited(self, web, admin_user):
        user = UserFactory(role=Role.STUDENT)
        page = web.get(f"{USERS}{user.pk}/change/")
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("groups", "user_permissions")
        }
        data.update(
            {
                "role": Role.INSTRUCTOR,
                "is_active": "on",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "0",
                "profile-MIN_NUM_FORMS": "0",
                "profile-MAX_NUM_FORMS": "1",
            }
        )
        response = web.post(f"{USERS}{user.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        user.refresh_from_db()
        assert user.role == Role.INSTRUCTOR
        entry = AuditLog.objects.get(action="user.role_changed")
        assert entry.actor_id == admin_user.pk
        assert entry.details == {"from": "student", "to": "instructor"}

    def test_admin_cannot_demote_self_in_the_form(self, web, admin_user):
        page = web.get(f"{USERS}{admin_user.pk}/change/")
        form = page.context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("groups", "user_permissions")
        }
        data.update(
            {
                "role": Role.STUDENT,
                "is_active": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "0",
                "profile-MIN_NUM_FORMS": "0",
                "profile-MAX_NUM_FORMS": "1",
            }
        )
        response = web.post(f"{USERS}{admin_user.pk}/change/", data)
        assert response.status_code == 200
        assert "cannot demote" in response.content.decode()
        assert User.objects.get(pk=admin_user.pk).role == Role.ADMIN

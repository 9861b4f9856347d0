"""Enrollment by staff (API.md Part 2): an admin enrolls a named user, learners and
admins cancel enrollments by id, and nobody enrolls someone else without the right."""

import pytest
from wagtail import hooks

from learning.models import Enrollment, EnrollmentSource, EnrollmentStatus
from learning.services import (
    enrollment_cancel,
    enrollment_create,
    enrollment_reopen,
)
from portal import hooks as portal_hooks
from portal.accounts.models import Role
from portal.audit.models import AuditLog
from portal.errors import Conflict, NotFound, PermissionDenied
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def code(response) -> str:
    return response.json()["errors"][0]["code"]


def enroll(client, course, **body):
    return client.post(f"/api/v1/courses/{course.pk}/enroll", body, format="json")


class TestAdminEnrollsAUser:
    def test_admin_enrolls_that_user_without_payment(
        self, api_client, make_course, admin_user
    ):
        paid = make_course(title="Paid", price="99.00")
        learner = UserFactory()
        signed_in(api_client, admin_user)
        response = enroll(api_client, paid, user_id=learner.pk)
        assert response.status_code == 201, response.content
        enrollment = Enrollment.objects.get(pk=response.json()["data"]["id"])
        assert enrollment.user_id == learner.pk
        assert enrollment.source == EnrollmentSource.ADMIN
        assert not Enrollment.objects.filter(user=admin_user).exists()
        entry = AuditLog.objects.get(action="enrollment.created")
        assert entry.actor_id == admin_user.pk
        assert entry.details["learner_id"] == learner.pk

    def test_same_409_codes(self, api_client, make_course, admin_user):
        small = make_course(title="Small", capacity=1)
        first, second = UserFactory(), UserFactory()
        signed_in(api_client, admin_user)
        assert enroll(api_client, small, user_id=first.pk).status_code == 201
        again = enroll(api_client, small, user_id=first.pk)
        assert (again.status_code, code(again)) == (409, "ALREADY_ENROLLED")
        full = enroll(api_client, small, user_id=second.pk)
        assert (full.status_code, code(full)) == (409, "COURSE_FULL")

    def test_trailing_slash_and_unknown_or_bad_user(
        self, api_client, course, admin_user
    ):
        signed_in(api_client, admin_user)
        learner = UserFactory()
        response = api_client.post(
            f"/api/v1/courses/{course.pk}/enroll/",
            {"user_id": learner.pk},
            format="json",
        )
        assert response.status_code == 201
        missing = enroll(api_client, course, user_id=987654)
        assert (missing.status_code, code(missing)) == (404, "NOT_FOUND")
        for bad in ("abc", -1, 0, 2**70, [1], {"id": 1}, True):
            response = enroll(api_client, course, user_id=bad)
            assert response.status_code == 400, bad
            errors = response.json()["errors"]
            assert errors[0]["code"] == "VALIDATION_ERROR"
            assert errors[0]["field"] == "user_id"

    def test_deactivated_user_is_refused(self, api_client, course, admin_user):
        gone = UserFactory(is_active=False)
        signed_in(api_client, admin_user)
        response = enroll(api_client, course, user_id=gone.pk)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "user_id"
        assert not Enrollment.objects.filter(user=gone).exists()

    def test_reenrolls_a_cancelled_learner_keeping_progress(
        self, api_client, course, admin_user
    ):
        learner = UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(progress_percentage=40)
        enrollment_cancel(enrollment=enrollment, actor=learner)
        signed_in(api_client, admin_user)
        response = enroll(api_client, course, user_id=learner.pk)
        assert response.status_code == 201
        assert response.json()["data"]["id"] == enrollment.pk
        assert response.json()["data"]["progress_percentage"] == 40


class TestOthersCannotEnrollSomeoneElse:
    @pytest.mark.parametrize("role", [Role.STUDENT, Role.INSTRUCTOR, Role.MENTOR])
    def test_403_and_nobody_enrolled(self, api_client, course, role):
        actor = UserFactory(role=role)
        target = UserFactory()
        signed_in(api_client, actor)
        response = enroll(api_client, course, user_id=target.pk)
        assert (response.status_code, code(response)) == (403, "PERMISSION_DENIED")
        assert not Enrollment.objects.filter(course=course).exists()

    def test_a_representative_naming_someone_outside_her_organization_gets_404(
        self, api_client, course
    ):
        # The contract: a user outside the rep's organization is 404 (corporate's
        # ENROLL_ON_BEHALF answer), and nobody is enrolled.
        signed_in(api_client, UserFactory(role=Role.CORPORATE_REP))
        response = enroll(api_client, course, user_id=UserFactory().pk)
        assert (response.status_code, code(response)) == (404, "NOT_FOUND")
        assert not Enrollment.objects.filter(course=course).exists()

    def test_own_id_enrolls_oneself(self, api_client, course, student):
        signed_in(api_client, student)
        response = enroll(api_client, course, user_id=student.pk)
        assert response.status_code == 201
        assert Enrollment.objects.get(course=course).user_id == student.pk

    def test_null_user_id_is_oneself(self, api_client, course, student):
        signed_in(api_client, student)
        assert enroll(api_client, course, user_id=None).status_code == 201
        assert Enrollment.objects.get(course=course).user_id == student.pk

    def test_demoted_admin_is_no_longer_admin(self, api_client, course, admin_user):
        signed_in(api_client, admin_user)
        admin_user.role = Role.STUDENT
        admin_user.save()
        signed_in(api_client, admin_user)
        response = enroll(api_client, course, user_id=UserFactory().pk)
        assert response.status_code == 403

    def test_an_extension_point_answers_for_other_roles(self, api_client, course):
        """A branch for another role plugs in through ``ENROLL_ON_BEHALF`` (as
        corporate's does for representatives); the first answer that applies
        decides. An instructor here, so corporate's real answer stays out of it."""
        rep = UserFactory(role=Role.INSTRUCTOR)
        member = UserFactory()
        calls = []

        def not_mine(*, actor, course_id, user_id):
            calls.append("not_mine")
            return None

        def rep_branch(*, actor, course_id, user_id):
            calls.append("rep")
            if user_id != member.pk:
                raise NotFound("User not found.")
            return enrollment_create(
                actor=actor,
                course_id=course_id,
                user=member,
                source=EnrollmentSource.CORPORATE,
            )

        signed_in(api_client, rep)
        with (
            hooks.register_temporarily(portal_hooks.ENROLL_ON_BEHALF, not_mine),
            hooks.register_temporarily(portal_hooks.ENROLL_ON_BEHALF, rep_branch),
        ):
            outsider = enroll(api_client, course, user_id=UserFactory().pk)
            response = enroll(api_client, course, user_id=member.pk)
        assert outsider.status_code == 404
        assert response.status_code == 201
        assert Enrollment.objects.get(course=course).source == "corporate"
        assert calls == ["not_mine", "rep", "not_mine", "rep"]


class TestCancelById:
    def url(self, enrollment) -> str:
        return f"/api/v1/enrollments/{enrollment.pk}"

    def test_learner_cancels_own_progress_kept(self, api_client, course, student):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(progress_percentage=25)
        signed_in(api_client, student)
        response = api_client.delete(self.url(enrollment))
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["status"] == "cancelled"
        assert data["progress_percentage"] == 25
        assert api_client.delete(self.url(enrollment) + "/").status_code == 200
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.CANCELLED
        assert AuditLog.objects.filter(action="enrollment.cancelled").count() == 1

    def test_admin_cancels_anyones(self, api_client, course, student, admin_user):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, admin_user)
        assert api_client.delete(self.url(enrollment)).status_code == 200
        entry = AuditLog.objects.get(action="enrollment.cancelled")
        assert entry.actor_id == admin_user.pk

    @pytest.mark.parametrize("role", [Role.STUDENT, Role.INSTRUCTOR, Role.MENTOR])
    def test_others_get_404(self, api_client, course, student, role):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, UserFactory(role=role))
        response = api_client.delete(self.url(enrollment))
        assert (response.status_code, code(response)) == (404, "NOT_FOUND")
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.ACTIVE

    def test_owning_instructor_gets_404_too(self, api_client, course, student):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, course.instructor)
        assert api_client.delete(self.url(enrollment)).status_code == 404

    def test_missing_and_anonymous(self, api_client, student):
        assert api_client.delete("/api/v1/enrollments/1").status_code == 401
        signed_in(api_client, student)
        assert api_client.delete("/api/v1/enrollments/99999").status_code == 404


class TestReopen:
    def test_admin_reopens_keeping_source_and_progress(self, make_course, admin_user):
        paid = make_course(title="Paid", price="10.00")
        learner = UserFactory()
        enrollment = enrollment_create(
            actor=learner, course_id=paid.pk, source=EnrollmentSource.PAYMENT
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(progress_percentage=60)
        enrollment_cancel(enrollment=enrollment, actor=learner)
        reopened = enrollment_reopen(actor=admin_user, enrollment=enrollment)
        assert reopened.status == EnrollmentStatus.ACTIVE
        assert reopened.source == EnrollmentSource.PAYMENT
        assert float(reopened.progress_percentage) == 60
        entry = AuditLog.objects.get(action="enrollment.reopened")
        assert entry.actor_id == admin_user.pk
        assert entry.details == {"learner_id": learner.pk, "course_id": paid.pk}

    def test_rules(self, make_course, admin_user):
        small = make_course(title="Small", capacity=1)
        first, second = UserFactory(), UserFactory()
        enrollment = enrollment_create(actor=first, course_id=small.pk)
        with pytest.raises(Conflict) as active:
            enrollment_reopen(actor=admin_user, enrollment=enrollment)
        assert active.value.code == "ALREADY_ENROLLED"
        enrollment_cancel(enrollment=enrollment, actor=first)
        enrollment_create(actor=second, course_id=small.pk)
        with pytest.raises(Conflict) as full:
            enrollment_reopen(actor=admin_user, enrollment=enrollment)
        assert full.value.code == "COURSE_FULL"
        with pytest.raises(PermissionDenied):
            enrollment_reopen(actor=first, enrollment=enrollment)

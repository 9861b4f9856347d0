"""Seats: a representative enrolls a member of her organization on a seat through
``POST /courses/{id}/enroll`` with ``user_id``; seats run out, never oversell (even
racing, on PostgreSQL) and come back when cancelled within the window."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from corporate.models import SeatAssignment, SeatPool
from learning.models import Enrollment, EnrollmentSource
from learning.services import enrollment_cancel, enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import data_of, error_of, member_of, representative_of

pytestmark = pytest.mark.django_db


def enroll_url(course):
    return f"/api/v1/courses/{course.pk}/enroll"


class TestRepresentativeEnrolls:
    def test_member_is_enrolled_on_a_seat(self, as_user, acme, rep_a, course, seats):
        member = member_of(acme)
        data = data_of(
            as_user(rep_a).post(
                enroll_url(course), {"user_id": member.pk}, format="json"
            ),
            201,
        )
        assert data["source"] == "corporate"
        enrollment = Enrollment.objects.get(user=member, course=course)
        assert enrollment.source == EnrollmentSource.CORPORATE
        assert SeatAssignment.objects.filter(pool=seats, user=member).count() == 1
        seats_data = data_of(
            as_user(rep_a).get(f"/api/v1/organizations/{acme.pk}/seats")
        )
        assert seats_data[0]["used"] == 1
        assert seats_data[0]["available"] == 2

    def test_outside_her_organization_is_404(
        self, as_user, acme, globex, rep_a, course, seats
    ):
        outsider = member_of(globex)
        stranger = UserFactory()
        client = as_user(rep_a)
        for user in (outsider, stranger):
            response = client.post(
                enroll_url(course), {"user_id": user.pk}, format="json"
            )
            assert error_of(response, 404)["code"] == "NOT_FOUND"
        response = client.post(enroll_url(course), {"user_id": 99999}, format="json")
        assert error_of(response, 404)["code"] == "NOT_FOUND"
        assert not Enrollment.objects.filter(user__in=[outsider, stranger]).exists()

    def test_another_organizations_rep_cannot_use_a_members_seat(
        self, as_user, acme, rep_b, course, seats
    ):
        member = member_of(acme)
        response = as_user(rep_b).post(
            enroll_url(course), {"user_id": member.pk}, format="json"
        )
        assert error_of(response, 404)["code"] == "NOT_FOUND"

    def test_students_may_not_enroll_others(self, as_user, acme, course, seats):
        member, other = member_of(acme), member_of(acme)
        response = as_user(member).post(
            enroll_url(course), {"user_id": other.pk}, format="json"
        )
        assert error_of(response, 403)["code"] == "PERMISSION_DENIED"

    def test_no_seats_left(self, as_user, acme, rep_a, course, seats):
        seats.quantity = 1
        seats.save()
        first, second = member_of(acme), member_of(acme)
        client = as_user(rep_a)
        assert (
            client.post(enroll_url(course), {"user_id": first.pk}, format="json")
        ).status_code == 201
        response = client.post(
            enroll_url(course), {"user_id": second.pk}, format="json"
        )
        assert error_of(response, 409)["code"] == "NO_SEATS_LEFT"

    def test_no_pool_at_all_is_no_seats_left(self, as_user, acme, rep_a, course):
        member = member_of(acme)
        response = as_user(rep_a).post(
            enroll_url(course), {"user_id": member.pk}, format="json"
        )
        assert error_of(response, 409)["code"] == "NO_SEATS_LEFT"

    def test_expired_pool_gives_no_seat(self, as_user, acme, rep_a, course, seats):
        SeatPool.objects.filter(pk=seats.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        member = member_of(acme)
        response = as_user(rep_a).post(
            enroll_url(course), {"user_id": member.pk}, format="json"
        )
        assert error_of(response, 409)["code"] == "NO_SEATS_LEFT"

    def test_already_enrolled_takes_no_seat(self, as_user, acme, rep_a, course, seats):
        member = member_of(acme)
        enrollment_create(actor=member, course_id=course.pk)
        response = as_user(rep_a).post(
            enroll_url(course), {"user_id": member.pk}, format="json"
        )
        assert error_of(response, 409)["code"] == "ALREADY_ENROLLED"
        assert not SeatAssignment.objects.exists()

    def test_bad_user_id_is_a_validation_error(self, as_user, rep_a, course):
        response = as_user(rep_a).post(
            enroll_url(course), {"user_id": "me"}, format="json"
        )
        assert error_of(response, 400)["field"] == "user_id"

    def test_self_enrollment_still_works(self, as_user, course):
        learner = UserFactory()
        response = as_user(learner).post(enroll_url(course) + "/")
        assert data_of(response, 201)["source"] == "self"


class TestSeatReturn:
    def _enrolled(self, acme, rep_a, course):
        from corporate.services import seat_enrollment_create

        member = member_of(acme)
        enrollment = seat_enrollment_create(
            actor=rep_a, organization=acme, user=member, course_id=course.pk
        )
        return member, enrollment

    def test_cancel_within_the_window_returns_the_seat(
        self, acme, rep_a, course, seats
    ):
        member, enrollment = self._enrolled(acme, rep_a, course)
        enrollment_cancel(enrollment=enrollment, actor=member)
        assert SeatAssignment.objects.get().released_at is not None

    @override_settings(SEAT_RETURN_WINDOW_DAYS=7)
    def test_cancel_after_the_window_keeps_the_seat_used(
        self, acme, rep_a, course, seats
    ):
        member, enrollment = self._enrolled(acme, rep_a, course)
        SeatAssignment.objects.update(assigned_at=timezone.now() - timedelta(days=8))
        enrollment_cancel(enrollment=enrollment, actor=member)
        assert SeatAssignment.objects.get().released_at is None
        # Re-enrolling uses the seat it still holds, not a second one.
        from corporate.services import seat_enrollment_create

        seat_enrollment_create(
            actor=rep_a, organization=acme, user=member, course_id=course.pk
        )
        assert SeatAssignment.objects.count() == 1


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRace:
    THREADS = 6

    def test_racing_representatives_never_oversell(self, acme, course, admin_user):
        pool = SeatPool.objects.create(organization=acme, course=course, quantity=2)
        reps = [representative_of(acme) for _ in range(2)]
        members = [member_of(acme) for _ in range(self.THREADS)]
        clients = []
        for index in range(self.THREADS):
            client = APIClient()
            signed_in(client, reps[index % 2])
            clients.append(client)
        barrier = threading.Barrier(self.THREADS)
        codes: list[int] = []
        lock = threading.Lock()

        def run(client, member):
            try:
                barrier.wait(timeout=10)
                response = client.post(
                    enroll_url(course), {"user_id": member.pk}, format="json"
                )
                with lock:
                    codes.append(response.status_code)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=run, args=(clients[i], members[i]))
            for i in range(self.THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(codes) == [201, 201] + [409] * (self.THREADS - 2)
        assert SeatAssignment.objects.filter(pool=pool).count() == 2
        assert Enrollment.objects.filter(course=course).count() == 2

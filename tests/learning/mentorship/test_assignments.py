"""Assignments: admins assign and end (API and Django admin), mentors see their
mentees only while assigned, learners their mentors, and requests queue up."""

from datetime import timedelta

import pytest
from django.core import mail

from learning.mentorship.models import MentorRequest, MentorRequestStatus
from portal.accounts.models import Role
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def errors(response):
    return response.json()["errors"]


class TestAssign:
    def test_admin_assigns_with_a_course_and_both_are_told(
        self,
        api_client,
        admin,
        mentor,
        mentee,
        make_course,
        django_capture_on_commit_callbacks,
    ):
        course = make_course()
        signed_in(api_client, admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/v1/mentorships",
                {
                    "mentor_id": mentor.pk,
                    "mentee_id": mentee.pk,
                    "course_id": course.pk,
                },
                format="json",
            )
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["mentor"]["id"] == mentor.pk
        assert data["mentee"]["id"] == mentee.pk
        assert data["course"] == {"id": course.pk, "title": course.title}
        assert data["active"] is True
        assert set(data["progress"]) == {
            "courses_active",
            "courses_completed",
            "average_progress",
            "last_activity",
        }
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [mentor.email, mentee.email]
        )

    def test_trailing_slash_works_too(self, api_client, admin, mentor, mentee):
        signed_in(api_client, admin)
        response = api_client.post(
            "/api/v1/mentorships/",
            {"mentor_id": mentor.pk, "mentee_id": mentee.pk},
            format="json",
        )
        assert response.status_code == 201

    def test_the_mentor_must_hold_the_mentor_role(self, api_client, admin, mentee):
        signed_in(api_client, admin)
        response = api_client.post(
            "/api/v1/mentorships",
            {"mentor_id": UserFactory().pk, "mentee_id": mentee.pk},
            format="json",
        )
        assert response.status_code == 400
        assert errors(response)[0]["field"] == "mentor_id"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"mentee_id": 1}, "mentor_id"),
            ({"mentor_id": "x", "mentee_id": 1}, "mentor_id"),
            ({"mentor_id": 1, "mentee_id": -4}, "mentee_id"),
            ({"mentor_id": 1, "mentee_id": 10**30}, "mentee_id"),
        ],
    )
    def test_bad_input_is_400_naming_the_field(self, api_client, admin, body, field):
        signed_in(api_client, admin)
        response = api_client.post("/api/v1/mentorships", body, format="json")
        assert response.status_code == 400
        assert errors(response)[0]["field"] == field

    def test_unknown_user_is_400(self, api_client, admin, mentor):
        signed_in(api_client, admin)
        response = api_client.post(
            "/api/v1/mentorships",
            {"mentor_id": mentor.pk, "mentee_id": 999_999},
            format="json",
        )
        assert response.status_code == 400
        assert errors(response)[0]["field"] == "mentee_id"

    def test_the_same_pair_twice_is_409(self, api_client, admin, assignment):
        signed_in(api_client, admin)
        response = api_client.post(
            "/api/v1/mentorships",
            {"mentor_id": assignment.mentor_id, "mentee_id": assignment.mentee_id},
            format="json",
        )
        assert response.status_code == 409

    @pytest.mark.parametrize("role", [Role.STUDENT, Role.MENTOR, Role.INSTRUCTOR])
    def test_only_admins_assign(self, api_client, role, mentor, mentee):
        signed_in(api_client, UserFactory(role=role))
        response = api_client.post(
            "/api/v1/mentorships",
            {"mentor_id": mentor.pk, "mentee_id": mentee.pk},
            format="json",
        )
        assert response.status_code == 403


class TestWhoSeesWhat:
    def test_mentor_sees_own_mentees_with_progress(
        self, api_client, assignment, mentor, other_mentor, admin, stranger
    ):
        from learning.mentorship import services

        services.mentorship_create(
            actor=admin, mentor_id=other_mentor.pk, mentee_id=stranger.pk
        )
        signed_in(api_client, mentor)
        body = api_client.get("/api/v1/mentorships").json()
        assert [row["id"] for row in body["data"]] == [assignment.pk]
        assert body["meta"]["pagination"]["total"] == 1

    def test_the_progress_summary_counts_the_mentees_current_courses(
        self, api_client, assignment, mentor, mentee, make_course
    ):
        from django.utils import timezone

        from learning.models import Enrollment, EnrollmentStatus

        touched = timezone.now().replace(microsecond=0)
        for title, status, percentage, accessed in [
            ("Active", EnrollmentStatus.ACTIVE, 40, None),
            ("Done", EnrollmentStatus.COMPLETED, 100, touched),
            ("Dropped", EnrollmentStatus.CANCELLED, 90, touched + timedelta(days=1)),
        ]:
            Enrollment.objects.create(
                user=mentee,
                course=make_course(title=title),
                status=status,
                enrolled_at=touched,
                progress_percentage=percentage,
                last_accessed=accessed,
                completed_at=touched if status == EnrollmentStatus.COMPLETED else None,
                cancelled_at=touched if status == EnrollmentStatus.CANCELLED else None,
            )
        # Someone else's enrollment never counts.
        Enrollment.objects.create(
            user=UserFactory(),
            course=make_course(title="Other"),
            enrolled_at=touched,
            progress_percentage=5,
        )
        signed_in(api_client, mentor)
        expected = {
            "courses_active": 1,
            "courses_completed": 1,
            "average_progress": 70.0,
            "last_activity": touched.isoformat().replace("+00:00", "Z"),
        }
        listed = api_client.get("/api/v1/mentorships").json()["data"]
        assert [row["progress"] for row in listed] == [expected]
        one = api_client.get(f"/api/v1/mentorships/{assignment.pk}").json()["data"]
        assert one["progress"] == expected

    def test_learner_sees_own_mentors(self, api_client, assignment, mentee):
        signed_in(api_client, mentee)
        body = api_client.get("/api/v1/mentorships/").json()
        assert [row["mentor"]["id"] for row in body["data"]] == [assignment.mentor_id]

    def test_admin_sees_all(self, api_client, assignment, admin):
        signed_in(api_client, admin)
        assert (
            api_client.get("/api/v1/mentorships").json()["meta"]["pagination"]["total"]
            == 1
        )

    def test_a_mentor_without_the_assignment_gets_404(
        self, api_client, assignment, other_mentor, mentee
    ):
        signed_in(api_client, other_mentor)
        assert api_client.get(f"/api/v1/mentorships/{assignment.pk}").status_code == 404
        assert api_client.get(f"/api/v1/users/{mentee.pk}").status_code == 404
        assert api_client.get(f"/api/v1/analytics/users/{mentee.pk}").status_code == 404

    def test_another_learner_gets_404(self, api_client, assignment, stranger):
        signed_in(api_client, stranger)
        assert api_client.get(f"/api/v1/mentorships/{assignment.pk}").status_code == 404

    def test_list_query_count_does_not_grow_with_rows(
        self, api_client, admin, django_assert_max_num_queries
    ):
        from learning.mentorship import services

        def add(n):
            for _ in range(n):
                services.mentorship_create(
                    actor=admin,
                    mentor_id=UserFactory(role=Role.MENTOR).pk,
                    mentee_id=UserFactory().pk,
                )

        signed_in(api_client, admin)
        add(2)
        with django_assert_max_num_queries(12) as few:
            assert api_client.get("/api/v1/mentorships").status_code == 200
        add(8)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = api_client.get("/api/v1/mentorships")
        assert len(response.json()["data"]) == 10


class TestEnd:
    def test_ending_removes_access_at_once(
        self, api_client, admin, assignment, mentor, mentee, booked
    ):
        mentor_client = api_client.__class__()
        signed_in(mentor_client, mentor)
        assert mentor_client.get(f"/api/v1/users/{mentee.pk}").status_code == 200
        assert (
            mentor_client.get(f"/api/v1/mentoring-sessions/{booked.pk}").status_code
            == 200
        )
        signed_in(api_client, admin)
        response = api_client.delete(f"/api/v1/mentorships/{assignment.pk}")
        assert response.status_code == 200
        assert response.json()["data"]["active"] is False
        # The same signed-in mentor, the very next request.
        assert mentor_client.get(f"/api/v1/users/{mentee.pk}").status_code == 404
        assert (
            mentor_client.get(f"/api/v1/mentorships/{assignment.pk}").status_code == 404
        )
        assert (
            mentor_client.get(f"/api/v1/mentoring-sessions/{booked.pk}").status_code
            == 404
        )
        assert (
            mentor_client.get(
                f"/api/v1/mentoring-sessions/{booked.pk}/notes"
            ).status_code
            == 404
        )
        assert mentor_client.get(f"/mentor/mentees/{mentee.pk}/").status_code in (
            302,
            404,
        )
        # Sessions still to come are cancelled; the learner keeps the history.
        booked.refresh_from_db()
        assert booked.status == "cancelled"
        mentee_client = api_client.__class__()
        signed_in(mentee_client, mentee)
        assert (
            mentee_client.get(f"/api/v1/mentors/{mentor.pk}/slots").status_code == 404
        )

    def test_only_admins_end(self, api_client, assignment, mentor):
        signed_in(api_client, mentor)
        assert (
            api_client.delete(f"/api/v1/mentorships/{assignment.pk}").status_code == 403
        )


class TestRequests:
    def test_learner_asks_admin_sees_the_queue_and_assigning_fulfils_it(
        self, api_client, admin, mentor, mentee
    ):
        signed_in(api_client, mentee)
        response = api_client.post(
            "/api/v1/mentor-requests", {"message": "Help with labs"}, format="json"
        )
        assert response.status_code == 201
        assert (
            api_client.post(
                "/api/v1/mentor-requests", {"message": "again"}, format="json"
            ).status_code
            == 409
        )
        admin_client = api_client.__class__()
        signed_in(admin_client, admin)
        queue = admin_client.get("/api/v1/mentor-requests?status=open").json()["data"]
        assert [row["learner"]["id"] for row in queue] == [mentee.pk]
        admin_client.post(
            "/api/v1/mentorships",
            {"mentor_id": mentor.pk, "mentee_id": mentee.pk},
            format="json",
        )
        request = MentorRequest.objects.get()
        assert request.status == MentorRequestStatus.FULFILLED
        assert request.assignment is not None

    def test_learners_see_only_their_own_requests(self, api_client, mentee, stranger):
        signed_in(api_client, mentee)
        created = api_client.post("/api/v1/mentor-requests", {}, format="json")
        other = api_client.__class__()
        signed_in(other, stranger)
        assert other.get("/api/v1/mentor-requests").json()["data"] == []
        rid = created.json()["data"]["id"]
        assert other.post(f"/api/v1/mentor-requests/{rid}/withdraw").status_code == 404
        assert other.post(f"/api/v1/mentor-requests/{rid}/decline").status_code == 404
        assert (
            api_client.post(f"/api/v1/mentor-requests/{rid}/decline").status_code == 403
        )
        assert (
            api_client.post(f"/api/v1/mentor-requests/{rid}/withdraw").status_code
            == 200
        )


class TestDjangoAdmin:
    def test_admin_assigns_and_ends_in_the_django_admin(
        self, client, admin, mentor, mentee
    ):
        from learning.models import MentorAssignment

        client.force_login(admin)
        page = client.get("/django-admin/learning/mentorassignment/")
        assert page.status_code == 200
        assert b"Load per mentor" in page.content
        response = client.post(
            "/django-admin/learning/mentorassignment/add/",
            {"mentor": mentor.pk, "mentee": mentee.pk, "course": ""},
        )
        assert response.status_code == 302, response.content
        assignment = MentorAssignment.objects.get()
        assert assignment.assigned_by == admin
        assert mentor.has_perm("accounts.view_user", mentee)
        client.post(
            "/django-admin/learning/mentorassignment/",
            {"action": "end_mentorships", "_selected_action": [assignment.pk]},
        )
        assignment.refresh_from_db()
        assert assignment.ended_at is not None
        from portal.accounts.models import User

        assert not User.objects.get(pk=mentor.pk).has_perm("accounts.view_user", mentee)

    def test_a_non_mentor_is_refused_in_the_admin_form(self, client, admin, mentee):
        client.force_login(admin)
        response = client.post(
            "/django-admin/learning/mentorassignment/add/",
            {"mentor": UserFactory().pk, "mentee": mentee.pk, "course": ""},
        )
        assert response.status_code == 200  # the form again, with the error

    def test_the_request_queue_screen(self, client, admin, mentee):
        from learning.mentorship import services

        services.mentor_request_create(actor=mentee, message="please")
        client.force_login(admin)
        page = client.get("/django-admin/mentorship/mentorrequest/?status__exact=open")
        assert page.status_code == 200
        assert mentee.email.encode() in page.content


class TestMentorLoad:
    def test_admins_see_load_per_mentor(
        self, api_client, admin, assignment, other_mentor
    ):
        signed_in(api_client, admin)
        body = api_client.get("/api/v1/mentors").json()
        loads = {row["id"]: row["active_mentees"] for row in body["data"]}
        assert loads == {assignment.mentor_id: 1, other_mentor.pk: 0}
        assert body["meta"]["pagination"]["total"] == 2

    def test_others_are_refused(self, api_client, mentor):
        signed_in(api_client, mentor)
        assert api_client.get("/api/v1/mentors/").status_code == 403

"""The mentor portal and the learner's mentoring pages, rendered."""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.mentorship import services
from learning.mentorship.models import Slot
from learning.services import enrollment_create
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


class TestLanding:
    def test_a_mentor_who_signs_in_lands_on_the_mentor_portal(self, client, mentor):
        response = client.post(
            "/accounts/login/", {"login": mentor.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == "/mentor/"

    def test_a_learner_still_lands_on_my_learning(self, client, mentee):
        response = client.post(
            "/accounts/login/", {"login": mentee.email, "password": PASSWORD}
        )
        assert response["Location"] == "/learn/"

    def test_the_portal_is_for_mentors(self, client, mentee):
        client.force_login(mentee)
        assert client.get("/mentor/").status_code == 403
        assert client.get("/mentor/availability/").status_code == 403


class TestMentorPortal:
    def test_mentees_with_progress_and_attention(
        self,
        client,
        home_page,
        mentor,
        assignment,
        admin,
        make_course,
        django_assert_max_num_queries,
    ):
        course = make_course()
        enrollment_create(actor=assignment.mentee, course_id=course.pk)
        busy = UserFactory(first_name="Busy")
        services.mentorship_create(actor=admin, mentor_id=mentor.pk, mentee_id=busy.pk)
        from learning.models import Enrollment

        enrollment = enrollment_create(actor=busy, course_id=course.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(last_accessed=timezone.now())
        client.force_login(mentor)
        with django_assert_max_num_queries(30):
            html = client.get("/mentor/").content.decode()
        assert assignment.mentee.get_full_name() in html
        assert "Busy" in html
        assert html.count("Needs attention</strong>") == 1  # the inactive one only

    def test_query_count_does_not_grow_with_mentees(
        self, client, home_page, mentor, admin, django_assert_max_num_queries
    ):
        def add(n):
            for _ in range(n):
                services.mentorship_create(
                    actor=admin, mentor_id=mentor.pk, mentee_id=UserFactory().pk
                )

        client.force_login(mentor)
        add(2)
        with django_assert_max_num_queries(40) as few:
            client.get("/mentor/")
        add(8)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get("/mentor/").status_code == 200

    def test_failed_attempts_flag_through_the_extension_point(
        self, client, home_page, mentor, assignment
    ):
        from wagtail import hooks

        from portal import hooks as portal_hooks

        def failing(*, user_ids, since, until):
            return {assignment.mentee_id: ["2 failed attempt(s) recently"]}

        client.force_login(mentor)
        with hooks.register_temporarily(portal_hooks.LEARNER_ATTENTION, failing):
            html = client.get("/mentor/").content.decode()
        assert "2 failed attempt(s) recently" in html

    def test_mentee_detail_only_for_her_mentor(
        self, client, home_page, mentor, other_mentor, assignment
    ):
        client.force_login(mentor)
        page = client.get(f"/mentor/mentees/{assignment.mentee_id}/")
        assert page.status_code == 200
        assert "Progress per course" in page.content.decode()
        client.force_login(other_mentor)
        assert client.get(f"/mentor/mentees/{assignment.mentee_id}/").status_code == 404

    def test_after_the_assignment_ends_the_pages_are_404(
        self, client, home_page, mentor, assignment, booked, admin
    ):
        client.force_login(mentor)
        assert client.get(f"/mentor/mentees/{assignment.mentee_id}/").status_code == 200
        services.mentorship_end(actor=admin, assignment=assignment)
        assert client.get(f"/mentor/mentees/{assignment.mentee_id}/").status_code == 404
        assert client.get(f"/mentoring/sessions/{booked.pk}/").status_code == 404
        html = client.get("/mentor/").content.decode()
        assert assignment.mentee.get_full_name() not in html

    def test_no_essay_contents_on_the_mentee_page(
        self, client, home_page, mentor, assignment
    ):
        client.force_login(mentor)
        html = client.get(f"/mentor/mentees/{assignment.mentee_id}/").content.decode()
        assert "essay answers stay private" in html

    def test_upcoming_sessions_in_the_viewers_time_zone(
        self, client, home_page, mentor, booked
    ):
        services.profile_update(actor=mentor, time_zone="Asia/Tokyo")
        client.force_login(mentor)
        html = client.get("/mentor/").content.decode()
        local = booked.start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
        assert local.strftime("%H:%M") in html
        assert "Asia/Tokyo" in html


class TestAvailabilityEditor:
    def test_publish_a_weekly_slot_in_the_mentors_zone(self, client, home_page, mentor):
        services.profile_update(actor=mentor, time_zone="America/Chicago")
        client.force_login(mentor)
        day = (timezone.now() + timedelta(days=3)).date()
        response = client.post(
            "/mentor/availability/",
            {
                "date": day.isoformat(),
                "time": "18:30",
                "duration": "45",
                "repeat_weeks": "3",
            },
        )
        assert response.status_code == 302
        slots = list(Slot.objects.filter(mentor=mentor))
        assert len(slots) == 3
        chicago = zoneinfo.ZoneInfo("America/Chicago")
        assert {s.start.astimezone(chicago).strftime("%H:%M") for s in slots} == {
            "18:30"
        }
        assert all(s.end - s.start == timedelta(minutes=45) for s in slots)
        page = client.get("/mentor/availability/").content.decode()
        assert "18:30" in page

    def test_overlap_is_reported_not_a_500(self, client, home_page, mentor):
        client.force_login(mentor)
        day = (timezone.now() + timedelta(days=3)).date().isoformat()
        client.post(
            "/mentor/availability/", {"date": day, "time": "10:00", "duration": "60"}
        )
        response = client.post(
            "/mentor/availability/",
            {"date": day, "time": "10:30", "duration": "60"},
            follow=True,
        )
        assert "overlaps" in response.content.decode()
        assert Slot.objects.count() == 1


class TestLearnerPages:
    def test_book_from_the_page(self, client, home_page, mentee, assignment, make_slot):
        slot = make_slot()
        client.force_login(mentee)
        assert str(slot.pk) in client.get("/mentoring/").content.decode()
        response = client.post(
            "/mentoring/book/", {"slot_id": slot.pk, "topic": "Resume"}
        )
        assert response.status_code == 302
        assert "/mentoring/sessions/" in response["Location"]

    def test_booking_another_mentors_slot_from_the_page_is_404(
        self, client, home_page, mentee, assignment, other_mentor, make_slot
    ):
        slot = make_slot(who=other_mentor)
        client.force_login(mentee)
        assert (
            client.post(
                "/mentoring/book/", {"slot_id": slot.pk, "topic": "x"}
            ).status_code
            == 404
        )

    def test_request_a_mentor_from_the_page(self, client, home_page, mentee):
        client.force_login(mentee)
        client.post("/mentoring/request/", {"message": "Please"})
        assert (
            "Your request is with the team"
            in client.get("/mentoring/").content.decode()
        )


class TestCalendarFeed:
    def test_secret_feed_lists_sessions_and_reset_kills_the_old_url(
        self, client, api_client, booked, mentee
    ):
        from icalendar import Calendar

        from tests.portal.auth_helpers import signed_in

        signed_in(api_client, mentee)
        url = api_client.get("/api/v1/mentoring-settings").json()["data"][
            "calendar_feed_url"
        ]
        path = url.split("testserver", 1)[1]
        feed = client.get(path)
        assert feed.status_code == 200
        [event] = Calendar.from_ical(feed.content).walk("VEVENT")
        assert str(event["UID"]) == booked.uid
        reset = api_client.post("/api/v1/mentoring-settings/calendar-feed/reset")
        new_path = reset.json()["data"]["calendar_feed_url"].split("testserver", 1)[1]
        assert new_path != path
        assert client.get(path).status_code == 404
        assert client.get(new_path).status_code == 200

    def test_time_zone_setting_is_validated(self, api_client, mentee):
        from tests.portal.auth_helpers import signed_in

        signed_in(api_client, mentee)
        bad = api_client.put(
            "/api/v1/mentoring-settings", {"time_zone": "Nowhere"}, format="json"
        )
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["field"] == "time_zone"
        good = api_client.patch(
            "/api/v1/mentoring-settings/", {"time_zone": "Europe/Paris"}, format="json"
        )
        assert good.json()["data"]["time_zone"] == "Europe/Paris"

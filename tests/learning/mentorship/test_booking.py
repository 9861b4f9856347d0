"""Booking, cancelling and changing sessions; the invitation e-mail with a valid
.ics to both parties; updates and cancellations with the same UID."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from icalendar import Calendar

from learning.mentorship import services
from learning.mentorship.models import MentoringSession, SessionStatus
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import soon

pytestmark = pytest.mark.django_db


def parse_ics(content: bytes):
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def ics_attachment(message) -> bytes:
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    return content if isinstance(content, bytes) else content.encode()


class TestBook:
    def test_mentee_books_and_both_get_the_invitation_with_a_valid_ics(
        self,
        api_client,
        mentee,
        mentor,
        assignment,
        make_slot,
        django_capture_on_commit_callbacks,
    ):
        slot = make_slot()
        mail.outbox.clear()
        signed_in(api_client, mentee)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/v1/mentoring-sessions",
                {"slot_id": slot.pk, "topic": "Breaking into SOC work"},
                format="json",
            )
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["status"] == "booked"
        assert data["mentor"]["id"] == mentor.pk
        assert data["meeting_url"].startswith("https://meet.jit.si/portal-")
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [mentor.email, mentee.email]
        )
        for message in mail.outbox:
            calendar, event = parse_ics(ics_attachment(message))
            assert str(calendar["METHOD"]) == "REQUEST"
            assert str(event["UID"]) == data["uid"]
            assert event["SEQUENCE"] == 0
            assert event.decoded("DTSTART") == slot.start
            assert event.decoded("DTEND") == slot.end
            assert "Breaking into SOC work" in str(event["SUMMARY"])
            assert str(event["LOCATION"]) == data["meeting_url"]
            assert "mailto:" + mentor.email in str(event["ORGANIZER"]).lower()

    def test_meeting_link_follows_the_configured_pattern(
        self, mentee, assignment, make_slot
    ):
        with override_settings(
            MENTORING_MEETING_URL_PATTERN="https://video.example.org/room/{session_id}"
        ):
            session = services.session_book(
                actor=mentee, slot_id=make_slot().pk, topic="Labs"
            )
        assert session.meeting_url == f"https://video.example.org/room/{session.pk}"

    def test_a_booked_slot_is_409_slot_taken(self, api_client, booked, admin):
        second = UserFactory()
        services.mentorship_create(
            actor=admin, mentor_id=booked.mentor_id, mentee_id=second.pk
        )
        signed_in(api_client, second)
        response = api_client.post(
            "/api/v1/mentoring-sessions",
            {"slot_id": booked.slot_id, "topic": "Me too"},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "SLOT_TAKEN"

    def test_a_learner_cannot_book_another_mentors_slot(
        self, api_client, assignment, mentee, other_mentor
    ):
        start = soon()
        [slot] = services.slot_create(
            actor=other_mentor, start=start, end=start + timedelta(hours=1)
        )
        signed_in(api_client, mentee)
        response = api_client.post(
            "/api/v1/mentoring-sessions",
            {"slot_id": slot.pk, "topic": "Hi"},
            format="json",
        )
        assert response.status_code == 404
        assert not MentoringSession.objects.exists()

    def test_after_the_assignment_ends_the_mentee_cannot_book(
        self, api_client, assignment, mentee, make_slot, admin
    ):
        slot = make_slot()
        services.mentorship_end(actor=admin, assignment=assignment)
        signed_in(api_client, mentee)
        response = api_client.post(
            "/api/v1/mentoring-sessions",
            {"slot_id": slot.pk, "topic": "Hi"},
            format="json",
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"topic": "x"}, "slot_id"),
            ({"slot_id": "abc", "topic": "x"}, "slot_id"),
            ({"slot_id": 1}, "topic"),
            ({"slot_id": 1, "topic": "   "}, "topic"),
            ({"slot_id": 1, "topic": "x" * 501}, "topic"),
            ({"slot_id": 1, "topic": 7}, "topic"),
        ],
    )
    def test_bad_input_is_400(self, api_client, mentee, body, field):
        signed_in(api_client, mentee)
        response = api_client.post("/api/v1/mentoring-sessions", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field


class TestCancelAndUpdate:
    def test_either_party_cancels_the_slot_is_free_again_same_uid_higher_sequence(
        self,
        api_client,
        booked,
        mentor,
        mentee,
        admin,
        django_capture_on_commit_callbacks,
    ):
        mail.outbox.clear()
        signed_in(api_client, mentor)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(f"/api/v1/mentoring-sessions/{booked.pk}/cancel")
        assert response.status_code == 200
        assert response.json()["data"]["status"] == "cancelled"
        assert len(mail.outbox) == 2
        for message in mail.outbox:
            calendar, event = parse_ics(ics_attachment(message))
            assert str(calendar["METHOD"]) == "CANCEL"
            assert str(event["UID"]) == booked.uid
            assert event["SEQUENCE"] == 1
            assert str(event["STATUS"]) == "CANCELLED"
        # Free again: the mentee books the same slot.
        signed_in(api_client, mentee)
        again = api_client.post(
            "/api/v1/mentoring-sessions",
            {"slot_id": booked.slot_id, "topic": "Second try"},
            format="json",
        )
        assert again.status_code == 201
        # Cancelling twice changes nothing.
        signed_in(api_client, mentor)
        assert (
            api_client.post(
                f"/api/v1/mentoring-sessions/{booked.pk}/cancel/"
            ).status_code
            == 200
        )

    def test_the_mentee_cancels_too(self, api_client, booked, mentee):
        signed_in(api_client, mentee)
        response = api_client.post(f"/api/v1/mentoring-sessions/{booked.pk}/cancel")
        assert response.status_code == 200
        booked.refresh_from_db()
        assert booked.status == SessionStatus.CANCELLED

    def test_a_stranger_cannot_cancel(self, api_client, booked, stranger, other_mentor):
        for person in (stranger, other_mentor):
            signed_in(api_client, person)
            response = api_client.post(f"/api/v1/mentoring-sessions/{booked.pk}/cancel")
            assert response.status_code == 404

    def test_topic_update_sends_the_same_uid_with_a_higher_sequence(
        self, api_client, booked, mentee, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        signed_in(api_client, mentee)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.patch(
                f"/api/v1/mentoring-sessions/{booked.pk}",
                {"topic": "Interview practice"},
                format="json",
            )
        assert response.status_code == 200
        assert response.json()["data"]["sequence"] == 1
        assert len(mail.outbox) == 2
        calendar, event = parse_ics(ics_attachment(mail.outbox[0]))
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == booked.uid
        assert event["SEQUENCE"] == 1
        assert "Interview practice" in str(event["SUMMARY"])
        # An empty PUT changes nothing.
        response = api_client.put(
            f"/api/v1/mentoring-sessions/{booked.pk}/", {}, format="json"
        )
        assert response.json()["data"]["sequence"] == 1


class TestIcs:
    def test_either_party_downloads_a_valid_ics(
        self, api_client, booked, mentor, mentee
    ):
        for person in (mentor, mentee):
            signed_in(api_client, person)
            response = api_client.get(f"/api/v1/mentoring-sessions/{booked.pk}/ics")
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/calendar")
            calendar, event = parse_ics(response.content)
            assert str(calendar["VERSION"]) == "2.0"
            assert str(event["UID"]) == booked.uid
            assert event.decoded("DTSTART") == booked.start

    def test_others_get_404(self, api_client, booked, stranger):
        signed_in(api_client, stranger)
        assert (
            api_client.get(f"/api/v1/mentoring-sessions/{booked.pk}/ics").status_code
            == 404
        )


class TestSessionList:
    def test_each_sees_own_sessions(self, api_client, booked, mentor, mentee, stranger):
        for person, expected in (
            (mentor, [booked.pk]),
            (mentee, [booked.pk]),
            (stranger, []),
        ):
            signed_in(api_client, person)
            body = api_client.get("/api/v1/mentoring-sessions").json()
            assert [row["id"] for row in body["data"]] == expected
            assert "pagination" in body["meta"]

    def test_query_count_does_not_grow_with_sessions(
        self,
        api_client,
        mentee,
        mentor,
        assignment,
        make_slot,
        django_assert_max_num_queries,
    ):
        def book(n, offset):
            for i in range(n):
                services.session_book(
                    actor=mentee, slot_id=make_slot(hours=offset + 2 * i).pk, topic="t"
                )

        book(2, 30)
        signed_in(api_client, mentor)
        with django_assert_max_num_queries(12) as few:
            api_client.get("/api/v1/mentoring-sessions")
        book(8, 100)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = api_client.get("/api/v1/mentoring-sessions")
        assert len(response.json()["data"]) == 10


class TestAttachmentRegistry:
    def test_a_kind_nobody_renders_fails_loudly(self):
        from portal.hooks import notification_attachments_render

        with pytest.raises(LookupError):
            notification_attachments_render(
                payload={"attachments": [{"kind": "nobody.knows", "ref": {}}]},
                user=UserFactory(),
            )

    def test_a_registered_renderer_attaches_its_file(
        self, django_capture_on_commit_callbacks
    ):
        from wagtail import hooks

        from portal import hooks as portal_hooks
        from portal.notifications.services import notify

        def render(*, kind, ref, user):
            if kind != "test.hello":
                return None
            return (f"hello-{ref['n']}.txt", "hello", "text/plain")

        user = UserFactory()
        mail.outbox.clear()
        with (
            hooks.register_temporarily(portal_hooks.NOTIFICATION_ATTACHMENT, render),
            django_capture_on_commit_callbacks(execute=True),
        ):
            notify(
                user=user,
                event="accounts.password_changed",
                payload={"attachments": [{"kind": "test.hello", "ref": {"n": 3}}]},
            )
        [message] = mail.outbox
        assert message.attachments == [("hello-3.txt", "hello", "text/plain")]

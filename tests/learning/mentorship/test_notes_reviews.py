"""Session notes (private unless shared; private ones never reach the mentee,
through the API or the pages) and progress reviews the mentee acknowledges."""

import pytest
from django.db import IntegrityError, transaction

from learning.mentorship import services
from learning.mentorship.models import MentoringSession, SessionNote
from tests.portal.auth_helpers import signed_in

pytestmark = pytest.mark.django_db

PRIVATE = "Seems anxious about the exam"
SHARED = "Two modules a week, quiz on Fridays"


@pytest.fixture
def notes(booked, mentor):
    private = services.note_create(actor=mentor, session=booked, body=PRIVATE)
    shared = services.note_create(
        actor=mentor, session=booked, body=SHARED, shared=True
    )
    return private, shared


class TestNotes:
    def test_mentor_writes_private_by_default_and_shared(
        self, api_client, booked, mentor
    ):
        signed_in(api_client, mentor)
        url = f"/api/v1/mentoring-sessions/{booked.pk}/notes"
        first = api_client.post(url, {"body": PRIVATE}, format="json")
        assert first.status_code == 201
        assert first.json()["data"]["shared"] is False
        second = api_client.post(
            url + "/", {"body": SHARED, "shared": True}, format="json"
        )
        assert second.json()["data"]["shared"] is True
        listed = api_client.get(url).json()
        assert [n["body"] for n in listed["data"]] == [PRIVATE, SHARED]
        assert listed["meta"]["pagination"]["total"] == 2

    def test_the_mentee_reads_only_shared_notes_in_the_api(
        self, api_client, notes, booked, mentee
    ):
        signed_in(api_client, mentee)
        body = api_client.get(f"/api/v1/mentoring-sessions/{booked.pk}/notes").json()
        assert [n["body"] for n in body["data"]] == [SHARED]
        assert PRIVATE not in str(body)

    def test_the_mentee_never_sees_private_notes_on_pages(
        self, client, notes, booked, mentee
    ):
        client.force_login(mentee)
        for url in (f"/mentoring/sessions/{booked.pk}/", "/mentoring/"):
            page = client.get(url)
            assert page.status_code == 200
            assert SHARED in page.content.decode()
            assert PRIVATE not in page.content.decode()

    def test_the_mentor_sees_both_on_the_session_page(
        self, client, notes, booked, mentor
    ):
        client.force_login(mentor)
        html = client.get(f"/mentoring/sessions/{booked.pk}/").content.decode()
        assert PRIVATE in html
        assert SHARED in html

    def test_unsharing_hides_it_again(self, api_client, notes, booked, mentor, mentee):
        _, shared = notes
        signed_in(api_client, mentor)
        response = api_client.patch(
            f"/api/v1/mentoring-sessions/{booked.pk}/notes/{shared.pk}",
            {"shared": False},
            format="json",
        )
        assert response.status_code == 200
        signed_in(api_client, mentee)
        body = api_client.get(f"/api/v1/mentoring-sessions/{booked.pk}/notes").json()
        assert body["data"] == []

    def test_the_mentee_cannot_write_notes(self, api_client, booked, mentee):
        signed_in(api_client, mentee)
        response = api_client.post(
            f"/api/v1/mentoring-sessions/{booked.pk}/notes",
            {"body": "x"},
            format="json",
        )
        assert response.status_code == 403

    def test_strangers_and_other_mentors_get_404(
        self, api_client, notes, booked, stranger, other_mentor
    ):
        for person in (stranger, other_mentor):
            signed_in(api_client, person)
            url = f"/api/v1/mentoring-sessions/{booked.pk}/notes"
            assert api_client.get(url).status_code == 404
            assert api_client.post(url, {"body": "x"}, format="json").status_code == 404

    def test_notes_are_kept_with_the_people_they_are_about(self, notes, booked):
        assert SessionNote.objects.filter(session__mentee=booked.mentee).count() == 2

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "body"),
            ({"body": " "}, "body"),
            ({"body": "x", "shared": "yes"}, "shared"),
        ],
    )
    def test_bad_input_is_400(self, api_client, booked, mentor, body, field):
        signed_in(api_client, mentor)
        response = api_client.post(
            f"/api/v1/mentoring-sessions/{booked.pk}/notes", body, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field


class TestReviews:
    def test_mentor_writes_mentee_reads_and_acknowledges(
        self, api_client, assignment, mentor, mentee, admin
    ):
        url = f"/api/v1/mentorships/{assignment.pk}/reviews"
        signed_in(api_client, mentor)
        created = api_client.post(
            url,
            {"summary": "Good start", "goals": "Finish", "next_steps": "Quiz"},
            format="json",
        )
        assert created.status_code == 201
        review_id = created.json()["data"]["id"]
        signed_in(api_client, mentee)
        listed = api_client.get(url).json()
        assert [r["summary"] for r in listed["data"]] == ["Good start"]
        assert api_client.post(url, {"summary": "me"}, format="json").status_code == 403
        acked = api_client.post(f"{url}/{review_id}/acknowledge")
        assert acked.status_code == 200
        assert acked.json()["data"]["acknowledged_at"] is not None
        signed_in(api_client, admin)
        assert api_client.get(url).status_code == 200

    def test_others_get_404_and_the_mentor_cannot_acknowledge(
        self, api_client, assignment, mentor, stranger, other_mentor
    ):
        review = services.review_create(
            actor=mentor, assignment=assignment, summary="s"
        )
        url = f"/api/v1/mentorships/{assignment.pk}/reviews"
        for person in (stranger, other_mentor):
            signed_in(api_client, person)
            assert api_client.get(url).status_code == 404
        signed_in(api_client, mentor)
        assert api_client.post(f"{url}/{review.pk}/acknowledge").status_code == 404

    def test_the_mentee_acknowledges_on_the_page(
        self, client, assignment, mentor, mentee
    ):
        review = services.review_create(
            actor=mentor, assignment=assignment, summary="s"
        )
        client.force_login(mentee)
        response = client.post(f"/mentoring/reviews/{review.pk}/acknowledge/")
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.acknowledged_at is not None


class TestDatabaseRules:
    def test_a_slot_holds_one_booked_session_in_the_database(self, booked):
        with pytest.raises(IntegrityError), transaction.atomic():
            MentoringSession.objects.create(
                slot=booked.slot,
                assignment=booked.assignment,
                mentor=booked.mentor,
                mentee=booked.mentee,
                start=booked.start,
                end=booked.end,
                topic="again",
            )

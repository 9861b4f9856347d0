"""Availability: mentors publish one-off and weekly slots in their time zone,
stored in UTC; a mentor's slots never overlap; who may see them."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from learning.mentorship import services
from learning.mentorship.models import Slot
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import soon

pytestmark = pytest.mark.django_db


def iso(moment: datetime) -> str:
    return moment.isoformat()


class TestPublish:
    def test_one_off_slot_with_an_offset_is_stored_in_utc(self, api_client, mentor):
        signed_in(api_client, mentor)
        start = (
            (timezone.now() + timedelta(days=3))
            .astimezone(zoneinfo.ZoneInfo("America/New_York"))
            .replace(hour=18, minute=0, second=0, microsecond=0)
        )
        response = api_client.post(
            "/api/v1/mentors/me/slots",
            {"start": iso(start), "end": iso(start + timedelta(hours=1))},
            format="json",
        )
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        slot = Slot.objects.get(pk=data["id"])
        assert slot.start == start
        assert slot.start.utcoffset() == timedelta(0)
        assert data["start"].endswith("Z") or data["start"].endswith("+00:00")
        assert len(data["occurrences"]) == 1

    def test_overlapping_own_slot_is_409_slot_overlap(self, api_client, mentor):
        signed_in(api_client, mentor)
        start = soon()
        body = {"start": iso(start), "end": iso(start + timedelta(hours=1))}
        assert (
            api_client.post("/api/v1/mentors/me/slots", body, format="json").status_code
            == 201
        )
        inside = {
            "start": iso(start + timedelta(minutes=30)),
            "end": iso(start + timedelta(minutes=90)),
        }
        response = api_client.post("/api/v1/mentors/me/slots/", inside, format="json")
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "SLOT_OVERLAP"
        # Touching ends do not overlap.
        after = {
            "start": iso(start + timedelta(hours=1)),
            "end": iso(start + timedelta(hours=2)),
        }
        assert (
            api_client.post(
                "/api/v1/mentors/me/slots", after, format="json"
            ).status_code
            == 201
        )

    def test_another_mentors_slot_at_the_same_time_is_fine(
        self, make_slot, other_mentor
    ):
        slot = make_slot()
        services.slot_create(actor=other_mentor, start=slot.start, end=slot.end)

    @pytest.mark.postgres
    def test_the_database_refuses_overlap_on_postgresql(self, make_slot, mentor):
        from django.db import IntegrityError, transaction

        slot = make_slot()
        with pytest.raises(IntegrityError), transaction.atomic():
            Slot.objects.create(
                mentor=mentor,
                start=slot.start + timedelta(minutes=10),
                end=slot.end + timedelta(minutes=10),
            )

    def test_weekly_series_keeps_the_local_time_across_a_dst_change(self, mentor):
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        now = timezone.now()
        year = now.year if now.month < 10 else now.year + 1
        # Four weeks around the end of summer time (last Sunday of October).
        first = datetime(year, 10, 12, 18, 0, tzinfo=berlin)
        slots = services.slot_create(
            actor=mentor,
            start=first,
            end=first + timedelta(hours=1),
            repeat_weeks=4,
            time_zone="Europe/Berlin",
        )
        assert len(slots) == 4
        assert len({s.series for s in slots}) == 1
        local = [s.start.astimezone(berlin) for s in slots]
        assert all(t.hour == 18 and t.weekday() == first.weekday() for t in local)
        utc_hours = {s.start.astimezone(zoneinfo.ZoneInfo("UTC")).hour for s in slots}
        assert utc_hours == {16, 17}  # CEST then CET

    def test_a_series_that_overlaps_anywhere_creates_nothing(self, mentor, make_slot):
        blocker = make_slot(hours=24 * 8)
        with pytest.raises(services.SlotOverlap):
            services.slot_create(
                actor=mentor,
                start=blocker.start - timedelta(days=7),
                end=blocker.end - timedelta(days=7),
                repeat_weeks=3,
            )
        assert Slot.objects.count() == 1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (
                {"start": "2030-01-01T10:00:00", "end": "2030-01-01T11:00:00+00:00"},
                "start",
            ),
            ({"start": "tomorrow", "end": "2030-01-01T11:00:00Z"}, "start"),
            ({"start": 5, "end": "2030-01-01T11:00:00Z"}, "start"),
            ({"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T09:00:00Z"}, "end"),
            ({"start": "2030-01-01T10:00:00Z", "end": "2030-01-02T10:00:00Z"}, "end"),
            (
                {"start": "2020-01-01T10:00:00Z", "end": "2020-01-01T11:00:00Z"},
                "start",
            ),
            (
                {
                    "start": "2030-01-01T10:00:00Z",
                    "end": "2030-01-01T11:00:00Z",
                    "repeat_weeks": 99,
                },
                "repeat_weeks",
            ),
            (
                {
                    "start": "2030-01-01T10:00:00Z",
                    "end": "2030-01-01T11:00:00Z",
                    "time_zone": "Mars/Olympus",
                },
                "time_zone",
            ),
        ],
    )
    def test_bad_input_is_400_naming_the_field(self, api_client, mentor, body, field):
        signed_in(api_client, mentor)
        response = api_client.post("/api/v1/mentors/me/slots", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["field"] == field

    def test_only_mentors_publish(self, api_client, mentee):
        signed_in(api_client, mentee)
        start = soon()
        response = api_client.post(
            "/api/v1/mentors/me/slots",
            {"start": iso(start), "end": iso(start + timedelta(hours=1))},
            format="json",
        )
        assert response.status_code == 403

    def test_withdraw_a_free_slot_not_a_booked_one(
        self, api_client, mentor, booked, make_slot
    ):
        free = make_slot(hours=72)
        signed_in(api_client, mentor)
        assert (
            api_client.delete(f"/api/v1/mentors/me/slots/{free.pk}").status_code == 204
        )
        assert (
            api_client.delete(f"/api/v1/mentors/me/slots/{booked.slot_id}").status_code
            == 409
        )

    def test_another_mentor_cannot_withdraw_my_slot(
        self, api_client, make_slot, other_mentor
    ):
        slot = make_slot()
        signed_in(api_client, other_mentor)
        assert (
            api_client.delete(f"/api/v1/mentors/me/slots/{slot.pk}").status_code == 404
        )


class TestFreeSlots:
    def test_mentee_sees_free_slots_only(
        self, api_client, mentee, mentor, booked, make_slot
    ):
        free = make_slot(hours=72)
        signed_in(api_client, mentee)
        body = api_client.get(f"/api/v1/mentors/{mentor.pk}/slots").json()
        assert [row["id"] for row in body["data"]] == [free.pk]
        assert body["meta"]["pagination"]["total"] == 1

    def test_from_and_to_bound_the_start(
        self, api_client, mentee, assignment, make_slot, mentor
    ):
        early, late = make_slot(hours=30), make_slot(hours=24 * 10)
        signed_in(api_client, mentee)
        response = api_client.get(
            f"/api/v1/mentors/{mentor.pk}/slots",
            {"from": iso(late.start - timedelta(hours=1))},
        )
        assert [row["id"] for row in response.json()["data"]] == [late.pk]
        response = api_client.get(
            f"/api/v1/mentors/{mentor.pk}/slots",
            {"to": iso(early.start + timedelta(hours=1))},
        )
        assert [row["id"] for row in response.json()["data"]] == [early.pk]
        bad = api_client.get(f"/api/v1/mentors/{mentor.pk}/slots", {"from": "soon"})
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["field"] == "from"

    def test_a_learner_of_another_mentor_gets_404(
        self, api_client, mentor, make_slot, stranger
    ):
        make_slot()
        signed_in(api_client, stranger)
        assert api_client.get(f"/api/v1/mentors/{mentor.pk}/slots").status_code == 404

    def test_the_mentor_and_admins_see_them(self, api_client, mentor, admin, make_slot):
        make_slot()
        signed_in(api_client, mentor)
        assert api_client.get(f"/api/v1/mentors/{mentor.pk}/slots").status_code == 200
        signed_in(api_client, admin)
        assert api_client.get(f"/api/v1/mentors/{mentor.pk}/slots").status_code == 200

    def test_query_count_does_not_grow_with_slots(
        self,
        api_client,
        mentee,
        assignment,
        mentor,
        make_slot,
        django_assert_max_num_queries,
    ):
        signed_in(api_client, mentee)
        for h in (30, 40):
            make_slot(hours=h)
        with django_assert_max_num_queries(12) as few:
            api_client.get(f"/api/v1/mentors/{mentor.pk}/slots")
        for h in range(50, 150, 10):
            make_slot(hours=h)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = api_client.get(f"/api/v1/mentors/{mentor.pk}/slots")
        assert len(response.json()["data"]) == 12

    def test_own_slot_list_shows_booked_state(self, api_client, mentor, booked):
        signed_in(api_client, mentor)
        rows = api_client.get("/api/v1/mentors/me/slots").json()["data"]
        assert [row["booked"] for row in rows] == [True]

    def test_non_mentors_have_no_own_slots(self, api_client):
        signed_in(api_client, UserFactory())
        assert api_client.get("/api/v1/mentors/me/slots").status_code == 403

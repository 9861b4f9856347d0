"""Proctored exams over the API: one session per attempt, client events, server-noticed
changes, the staff review and invalidation."""

import hashlib
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import (
    Assessment,
    Attempt,
    AttemptStatus,
    ProctorEvent,
    ProctorEventKind,
    ProctorSession,
)
from assessments.services import proctoring
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from portal.errors import Conflict
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import RIGHT

pytestmark = pytest.mark.django_db

HEADER = "HTTP_X_PROCTOR_SESSION"
HOME = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Firefox/140 (home)"}
CAFE = {"REMOTE_ADDR": "203.0.113.99", "HTTP_USER_AGENT": "Firefox/140 (home)"}
PHONE = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mobile Safari/18"}


def make_exam(make_assessment, **fields) -> Assessment:
    """A proctored exam open now (the proctored flag is set directly, so these tests
    do not depend on the authoring API's validation)."""
    now = timezone.now()
    window = {
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(hours=2),
    }
    exam = make_assessment(
        title="Final exam", assessment_type="exam", **{**window, **fields}
    )
    Assessment.objects.filter(pk=exam.pk).update(proctored=True)
    exam.refresh_from_db()
    return exam


@pytest.fixture
def exam(make_assessment):
    return make_exam(make_assessment)


def start(client, assessment, token=None, where=HOME):
    extra = dict(where)
    if token:
        extra[HEADER] = token
    return client.post(f"/api/v1/assessments/{assessment.pk}/start", **extra)


def submit(client, assessment, token=None, where=HOME, answers=RIGHT):
    extra = dict(where)
    if token:
        extra[HEADER] = token
    return client.post(
        f"/api/v1/assessments/{assessment.pk}/submit",
        {"answers": answers},
        format="json",
        **extra,
    )


def autosave(client, attempt_id, token=None, where=HOME, answers=None):
    extra = dict(where)
    if token:
        extra[HEADER] = token
    return client.put(
        f"/api/v1/attempts/{attempt_id}/answers",
        {"answers": answers or {"q1": 1}},
        format="json",
        **extra,
    )


def event(kind="focus_lost", **fields):
    return {"kind": kind, "occurred_at": timezone.now().isoformat(), **fields}


def report(client, attempt_id, events, token=None, where=HOME):
    extra = dict(where)
    if token:
        extra[HEADER] = token
    return client.post(
        f"/api/v1/attempts/{attempt_id}/events",
        {"events": events},
        format="json",
        **extra,
    )


def code(response) -> str:
    return response.json()["errors"][0]["code"]


def field(response) -> str | None:
    return response.json()["errors"][0].get("field")


def started(client, assessment, where=HOME) -> tuple[int, str]:
    response = start(client, assessment, where=where)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    return data["id"], data["proctor_token"]


def second_browser(learner) -> APIClient:
    client = APIClient()
    signed_in(client, learner)
    return client


def make_instructor():
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def staff():
    """A client of its own (``learner_client`` is the shared ``api_client``)."""
    return APIClient()


# --- One session per attempt ----------------------------------------------------------


class TestSession:
    def test_start_hands_out_the_token_once_and_stores_only_its_hash(
        self, learner_client, exam
    ):
        attempt_id, token = started(learner_client, exam)

        session = ProctorSession.objects.get(attempt_id=attempt_id)
        assert session.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert session.ended_at is None
        assert (session.ip_address, session.user_agent) == (
            "198.51.100.7",
            "Firefox/140 (home)",
        )
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.ip_address == "198.51.100.7"
        assert attempt.user_agent == "Firefox/140 (home)"
        assert not attempt.flagged
        assert len(token) >= 32

        resumed = start(learner_client, exam, token=token)
        assert resumed.status_code == 200
        assert resumed.json()["data"]["id"] == attempt_id
        assert "proctor_token" not in resumed.json()["data"]
        assert ProctorSession.objects.filter(attempt_id=attempt_id).count() == 1
        assert not ProctorEvent.objects.exists()

    def test_a_second_browser_is_refused_everywhere_and_each_refusal_is_stored(
        self, learner_client, learner, exam
    ):
        attempt_id, token = started(learner_client, exam)
        other = second_browser(learner)
        where = {"REMOTE_ADDR": "192.0.2.50", "HTTP_USER_AGENT": "Chrome/130"}

        refusals = [
            start(other, exam, where=where),
            start(other, exam, token="not-the-token", where=where),
            submit(other, exam, where=where),
            autosave(other, attempt_id, where=where),
            report(other, attempt_id, [event()], where=where),
        ]

        for response in refusals:
            assert response.status_code == 409, response.content
            assert code(response) == "PROCTOR_SESSION_ACTIVE"
            assert "another browser" in response.json()["errors"][0]["message"]
        events = ProctorEvent.objects.filter(attempt_id=attempt_id).order_by("pk")
        assert [e.kind for e in events] == [ProctorEventKind.SECOND_SESSION_REFUSED] * 5
        assert [e.details["action"] for e in events] == [
            "start",
            "start",
            "submit",
            "autosave",
            "events",
        ]
        assert [e.details["reason"] for e in events][:2] == [
            "missing_token",
            "wrong_token",
        ]
        assert {e.ip_address for e in events} == {"192.0.2.50"}
        assert {e.user_agent for e in events} == {"Chrome/130"}
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.flagged
        assert attempt.status == AttemptStatus.IN_PROGRESS  # nothing was submitted
        assert attempt.answers == {}  # nothing was autosaved
        assert ProctorSession.objects.filter(attempt_id=attempt_id).count() == 1

        # The first browser carries on.
        assert start(learner_client, exam, token=token).status_code == 200
        assert autosave(learner_client, attempt_id, token=token).status_code == 200
        assert submit(learner_client, exam, token=token).status_code == 201

    def test_submit_with_the_token_grades_and_ends_the_session(
        self, learner_client, exam
    ):
        attempt_id, token = started(learner_client, exam)

        response = submit(learner_client, exam, token=token)

        assert response.status_code == 201
        assert response.json()["data"]["passed"] is True
        session = ProctorSession.objects.get(attempt_id=attempt_id)
        assert session.ended_at is not None
        late = report(learner_client, attempt_id, [event()], token=token)
        assert late.status_code == 409
        assert code(late) == "CONFLICT"

    def test_a_proctored_exam_cannot_be_submitted_without_starting(
        self, learner_client, exam
    ):
        response = submit(learner_client, exam)
        assert response.status_code == 409
        assert code(response) == "CONFLICT"
        assert not Attempt.objects.exists()

    def test_a_new_attempt_gets_a_new_session(self, learner_client, exam):
        first_id, first_token = started(learner_client, exam)
        assert submit(learner_client, exam, token=first_token).status_code == 201

        second_id, second_token = started(learner_client, exam)

        assert second_id != first_id
        assert second_token != first_token
        # The old token does not open the new attempt.
        refused = start(learner_client, exam, token=first_token)
        assert refused.status_code == 409
        assert code(refused) == "PROCTOR_SESSION_ACTIVE"

    def test_an_expired_attempt_does_not_lock_the_learner_out(
        self, learner_client, learner, exam
    ):
        """Past its deadline the attempt is closed as late by the next start, from
        any browser, and the new attempt gets a session of its own."""
        first_id, first_token = started(learner_client, exam)
        Attempt.objects.filter(pk=first_id).update(
            deadline=timezone.now() - timedelta(minutes=5)
        )

        response = start(second_browser(learner), exam)

        assert response.status_code == 201
        data = response.json()["data"]
        assert data["id"] != first_id
        assert data["proctor_token"] != first_token
        first = Attempt.objects.get(pk=first_id)
        assert (first.status, first.late, first.passed) == ("graded", True, False)
        assert ProctorSession.objects.get(attempt_id=first_id).ended_at is not None
        assert ProctorSession.objects.filter(ended_at__isnull=True).count() == 1

    def test_quizzes_are_not_proctored(self, learner_client, make_assessment):
        quiz = make_assessment()
        response = start(learner_client, quiz)
        assert response.status_code == 201
        assert "proctor_token" not in response.json()["data"]
        assert not ProctorSession.objects.exists()
        assert start(learner_client, quiz).status_code == 200
        assert submit(learner_client, quiz).status_code == 201
        attempt = Attempt.objects.get()
        assert attempt.ip_address is None
        assert not attempt.flagged

    def test_the_database_allows_one_active_session_per_attempt(
        self, learner_client, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProctorSession.objects.create(attempt_id=attempt_id, token_hash="b" * 64)
        ended = ProctorSession.objects.get(attempt_id=attempt_id)
        ended.ended_at = timezone.now()
        ended.save()
        ProctorSession.objects.create(attempt_id=attempt_id, token_hash="c" * 64)

    def test_opening_a_second_session_is_a_conflict(self, learner_client, exam):
        attempt_id, _token = started(learner_client, exam)
        attempt = Attempt.objects.select_related("assessment").get(pk=attempt_id)
        with pytest.raises(Conflict) as caught:
            proctoring.proctor_session_open(attempt=attempt, client=None)
        assert caught.value.code == "PROCTOR_SESSION_ACTIVE"
        assert ProctorSession.objects.filter(attempt=attempt).count() == 1

    def test_resuming_an_attempt_without_a_session_opens_one(
        self, learner_client, learner, make_assessment
    ):
        # The exam became proctored while the attempt was in progress.
        now = timezone.now()
        exam = make_assessment(
            assessment_type="exam",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
        )
        attempt_id = start(learner_client, exam).json()["data"]["id"]
        Assessment.objects.filter(pk=exam.pk).update(proctored=True)

        response = start(learner_client, exam)

        assert response.status_code == 200
        token = response.json()["data"]["proctor_token"]
        assert ProctorSession.objects.filter(attempt_id=attempt_id).count() == 1
        assert start(learner_client, exam, token=token).status_code == 200
        refused = start(second_browser(learner), exam)
        assert refused.status_code == 409
        assert code(refused) == "PROCTOR_SESSION_ACTIVE"

    def test_the_exam_window_is_enforced(self, learner_client, make_assessment):
        now = timezone.now()
        later = make_exam(
            make_assessment,
            opens_at=now + timedelta(hours=1),
            closes_at=now + timedelta(hours=2),
        )
        closed = make_exam(
            make_assessment,
            opens_at=now - timedelta(hours=2),
            closes_at=now - timedelta(hours=1),
        )
        unscheduled = make_exam(make_assessment)
        Assessment.objects.filter(pk=unscheduled.pk).update(closes_at=None)

        assert code(start(learner_client, later)) == "ASSESSMENT_NOT_OPEN"
        assert code(start(learner_client, closed)) == "ASSESSMENT_CLOSED"
        assert code(start(learner_client, unscheduled)) == "ASSESSMENT_NOT_OPEN"
        assert not Attempt.objects.exists()
        assert not ProctorSession.objects.exists()


# --- Changes the server notices ---------------------------------------------------


class TestClientChanges:
    def test_a_new_ip_address_is_stored_once_and_flags_the_attempt(
        self, learner_client, exam
    ):
        attempt_id, token = started(learner_client, exam, where=HOME)

        assert start(learner_client, exam, token=token, where=CAFE).status_code == 200
        assert start(learner_client, exam, token=token, where=CAFE).status_code == 200

        changes = ProctorEvent.objects.filter(attempt_id=attempt_id)
        assert changes.count() == 1
        change = changes.get()
        assert change.kind == ProctorEventKind.IP_CHANGED
        assert change.details == {"old": "198.51.100.7", "new": "203.0.113.99"}
        assert change.ip_address == "203.0.113.99"
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.flagged
        assert attempt.ip_address == "198.51.100.7"  # where it started stays

    def test_a_new_browser_with_the_token_is_stored(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam, where=HOME)

        assert (
            autosave(learner_client, attempt_id, token, where=PHONE).status_code == 200
        )
        assert submit(learner_client, exam, token=token, where=PHONE).status_code == 201

        change = ProctorEvent.objects.get(attempt_id=attempt_id)
        assert change.kind == ProctorEventKind.USER_AGENT_CHANGED
        assert change.details == {
            "old": "Firefox/140 (home)",
            "new": "Mobile Safari/18",
        }
        assert Attempt.objects.get(pk=attempt_id).flagged

    def test_same_place_and_browser_leave_no_events(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        assert start(learner_client, exam, token=token).status_code == 200
        assert autosave(learner_client, attempt_id, token).status_code == 200
        assert submit(learner_client, exam, token=token).status_code == 201
        assert not ProctorEvent.objects.exists()
        assert not Attempt.objects.get(pk=attempt_id).flagged

    def test_a_long_user_agent_is_cut_to_512(self, learner_client, exam):
        where = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "A" * 2000}
        attempt_id, _token = started(learner_client, exam, where=where)
        assert Attempt.objects.get(pk=attempt_id).user_agent == "A" * 512


# --- Events endpoint ----------------------------------------------------------------


class TestEvents:
    def test_events_are_stored_and_flag_the_attempt(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        when = timezone.now() - timedelta(seconds=30)
        events = [
            {"kind": "focus_lost", "occurred_at": when.isoformat()},
            event("tab_hidden", details={"hidden_ms": 5200}),
            event("copy"),
            event("paste", details={"length": 42}),
            event("fullscreen_exit"),
        ]

        response = report(learner_client, attempt_id, events, token=token)

        assert response.status_code == 201, response.content
        assert response.json()["data"] == {"recorded": 5}
        stored = ProctorEvent.objects.filter(attempt_id=attempt_id).order_by("pk")
        assert [e.kind for e in stored] == [
            "focus_lost",
            "tab_hidden",
            "copy",
            "paste",
            "fullscreen_exit",
        ]
        assert stored[0].occurred_at == when
        assert stored[1].details == {"hidden_ms": 5200}
        assert stored[0].details == {}
        session = ProctorSession.objects.get(attempt_id=attempt_id)
        assert {e.session_id for e in stored} == {session.pk}
        assert {e.ip_address for e in stored} == {"198.51.100.7"}
        assert Attempt.objects.get(pk=attempt_id).flagged

    def test_trailing_slash_works(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        response = learner_client.post(
            f"/api/v1/attempts/{attempt_id}/events/",
            {"events": [event()]},
            format="json",
            **{HEADER: token, **HOME},
        )
        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("body", "expected_field"),
        [
            ({"events": [event("ip_changed")]}, "events[0].kind"),
            ({"events": [event("second_session_refused")]}, "events[0].kind"),
            ({"events": [event("user_agent_changed")]}, "events[0].kind"),
            ({"events": [event(), event("screenshot")]}, "events[1].kind"),
            ({"events": [event()] * 51}, "events"),
            ({"events": []}, "events"),
            ({}, "events"),
            ({"events": "focus_lost"}, "events"),
            ({"events": [{"kind": "copy"}]}, "events[0].occurred_at"),
            (
                {"events": [{"kind": "copy", "occurred_at": "yesterday-ish"}]},
                "events[0].occurred_at",
            ),
            (
                {"events": [{"kind": "copy", "occurred_at": "1999-01-01T00:00:00Z"}]},
                "events[0].occurred_at",
            ),
            ({"events": [event(details={"x": "y" * 2100})]}, "events[0].details"),
            ({"events": [event(details=["not", "an", "object"])]}, "events[0].details"),
            ({"events": [event(details={"nul": "a\u0000b"})]}, "events[0].details"),
        ],
    )
    def test_invalid_events_are_400(self, learner_client, exam, body, expected_field):
        attempt_id, token = started(learner_client, exam)
        response = learner_client.post(
            f"/api/v1/attempts/{attempt_id}/events",
            body,
            format="json",
            **{HEADER: token, **HOME},
        )
        assert response.status_code == 400, response.content
        assert code(response) == "VALIDATION_ERROR"
        assert field(response) == expected_field
        assert not ProctorEvent.objects.exists()
        assert not Attempt.objects.get(pk=attempt_id).flagged

    def test_fifty_events_are_accepted(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        response = report(learner_client, attempt_id, [event()] * 50, token=token)
        assert response.status_code == 201
        assert ProctorEvent.objects.count() == 50

    def test_another_learner_gets_404(self, learner_client, exam, course):
        attempt_id, token = started(learner_client, exam)
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        client = APIClient()
        signed_in(client, other)

        response = report(client, attempt_id, [event()], token=token)

        assert response.status_code == 404
        assert not ProctorEvent.objects.exists()

    def test_the_instructor_cannot_report_for_a_learner(
        self, learner_client, exam, staff, instructor
    ):
        attempt_id, token = started(learner_client, exam)
        signed_in(staff, instructor)
        assert report(staff, attempt_id, [event()], token=token).status_code == 404

    def test_a_retired_exam_takes_no_events(self, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        Assessment.objects.filter(pk=exam.pk).update(archived_at=timezone.now())
        response = report(learner_client, attempt_id, [event()], token=token)
        assert response.status_code == 404
        assert not ProctorEvent.objects.exists()

    def test_unknown_attempt_is_404(self, learner_client):
        assert report(learner_client, 999999, [event()]).status_code == 404

    def test_anonymous_is_401(self, staff, learner_client, exam):
        attempt_id, token = started(learner_client, exam)
        assert report(staff, attempt_id, [event()], token=token).status_code == 401

    def test_a_non_proctored_attempt_is_409(self, learner_client, make_assessment):
        quiz = make_assessment()
        attempt_id = start(learner_client, quiz).json()["data"]["id"]
        response = report(learner_client, attempt_id, [event()])
        assert response.status_code == 409
        assert code(response) == "CONFLICT"
        assert not ProctorEvent.objects.exists()

    def test_an_invalidated_attempt_takes_no_events(
        self, learner_client, exam, instructor
    ):
        attempt_id, token = started(learner_client, exam)
        proctoring.attempt_invalidate(
            actor=instructor, attempt_id=attempt_id, reason="Phone on the desk."
        )
        response = report(learner_client, attempt_id, [event()], token=token)
        assert response.status_code == 409
        assert not ProctorEvent.objects.exists()

    def test_reporting_is_rate_limited(self, learner_client, exam, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "proctor_events": "2/min"}
        attempt_id, token = started(learner_client, exam)

        codes = [
            report(learner_client, attempt_id, [event()], token=token).status_code
            for _ in range(3)
        ]

        assert codes == [201, 201, 429]
        limited = report(learner_client, attempt_id, [event()], token=token)
        assert code(limited) == "RATE_LIMITED"
        assert int(limited["Retry-After"]) > 0
        assert ProctorEvent.objects.count() == 2
        # Only the reports are limited, not the exam itself.
        assert start(learner_client, exam, token=token).status_code == 200


# --- Staff review -------------------------------------------------------------------


@pytest.fixture
def flagged_attempt(learner_client, learner, exam):
    """The learner's attempt with two focus losses, a paste and a refused second
    browser."""
    attempt_id, token = started(learner_client, exam)
    events = [event("focus_lost"), event("focus_lost"), event("paste")]
    assert report(learner_client, attempt_id, events, token=token).status_code == 201
    assert start(second_browser(learner), exam).status_code == 409
    return Attempt.objects.get(pk=attempt_id), token


def more_attempts(exam, course, count):
    """``count`` more learners with a flagged attempt and events each."""
    for _ in range(count):
        user = UserFactory()
        enrollment_create(actor=user, course_id=course.pk)
        attempt = proctoring_start(user, exam)
        ProctorEvent.objects.bulk_create(
            ProctorEvent(attempt=attempt, kind=kind, occurred_at=timezone.now())
            for kind in ("copy", "paste", "tab_hidden")
        )
        Attempt.objects.filter(pk=attempt.pk).update(flagged=True)


def proctoring_start(user, exam) -> Attempt:
    from assessments.services import attempt_start

    return attempt_start(actor=user, assessment_id=exam.pk).attempt


class TestReviewList:
    def url(self, exam, query=""):
        return f"/api/v1/assessments/{exam.pk}/proctoring{query}"

    def test_the_instructor_sees_attempts_with_counts(
        self, staff, instructor, flagged_attempt, exam, learner
    ):
        attempt, _token = flagged_attempt
        signed_in(staff, instructor)

        response = staff.get(self.url(exam))

        assert response.status_code == 200
        body = response.json()
        assert body["meta"]["pagination"]["total"] == 1
        row = body["data"][0]
        assert row["id"] == attempt.pk
        assert row["learner"]["email"] == learner.email
        assert row["status"] == "in_progress"
        assert row["flagged"] is True
        assert row["events_count"] == 4
        assert row["sessions_count"] == 1
        assert row["event_counts"]["focus_lost"] == 2
        assert row["event_counts"]["paste"] == 1
        assert row["event_counts"]["copy"] == 0
        assert row["event_counts"]["second_session_refused"] == 1
        assert row["ip_address"] == "198.51.100.7"
        assert row["user_agent"] == "Firefox/140 (home)"

    def test_flagged_filter(self, staff, instructor, flagged_attempt, exam, course):
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        proctoring_start(other, exam)
        signed_in(staff, instructor)

        everything = staff.get(self.url(exam)).json()
        flagged = staff.get(self.url(exam, "?flagged=true")).json()
        clean = staff.get(self.url(exam, "?flagged=false")).json()

        assert everything["meta"]["pagination"]["total"] == 2
        assert everything["data"][0]["flagged"] is True  # flagged first
        assert [r["flagged"] for r in flagged["data"]] == [True]
        assert [r["flagged"] for r in clean["data"]] == [False]
        bad = staff.get(self.url(exam, "?flagged=maybe"))
        assert bad.status_code == 400

    def test_admin_sees_it(self, staff, admin_user, flagged_attempt, exam):
        signed_in(staff, admin_user)
        response = staff.get(self.url(exam))
        assert response.status_code == 200
        assert response.json()["meta"]["pagination"]["total"] == 1

    def test_others_are_refused(self, staff, learner_client, flagged_attempt, exam):
        assert learner_client.get(self.url(exam)).status_code == 403
        signed_in(staff, make_instructor())
        assert staff.get(self.url(exam)).status_code == 403
        signed_in(staff, UserFactory())
        assert staff.get(self.url(exam)).status_code == 403  # live course
        assert staff.get("/api/v1/assessments/999999/proctoring").status_code == (404)

    def test_query_count_does_not_grow_with_rows(
        self, staff, instructor, flagged_attempt, exam, course
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        signed_in(staff, instructor)
        assert staff.get(self.url(exam)).status_code == 200  # warm (the user kept)
        with CaptureQueriesContext(connection) as one:
            assert staff.get(self.url(exam)).status_code == 200
        more_attempts(exam, course, 6)
        with CaptureQueriesContext(connection) as many:
            response = staff.get(self.url(exam))
        assert response.json()["meta"]["pagination"]["total"] == 7
        assert len(many) == len(one)


class TestEventList:
    def test_the_instructor_reads_the_timeline(
        self, staff, instructor, flagged_attempt
    ):
        attempt, _token = flagged_attempt
        signed_in(staff, instructor)

        response = staff.get(f"/api/v1/attempts/{attempt.pk}/events?per_page=2")

        assert response.status_code == 200
        body = response.json()
        assert body["meta"]["pagination"] == {
            "page": 1,
            "per_page": 2,
            "total": 4,
            "pages": 2,
        }
        assert [e["kind"] for e in body["data"]] == ["focus_lost", "focus_lost"]
        assert body["data"][0]["ip_address"] == "198.51.100.7"
        assert body["data"][0]["session_id"] is not None

    def test_access(self, staff, learner_client, admin_user, flagged_attempt):
        attempt, _token = flagged_attempt
        url = f"/api/v1/attempts/{attempt.pk}/events"
        assert learner_client.get(url).status_code == 403  # their own record
        signed_in(staff, make_instructor())
        assert staff.get(url).status_code == 404
        signed_in(staff, UserFactory())
        assert staff.get(url).status_code == 404
        signed_in(staff, admin_user)
        assert staff.get(url).status_code == 200

    def test_query_count_does_not_grow_with_rows(
        self, staff, instructor, flagged_attempt
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        attempt, _token = flagged_attempt
        url = f"/api/v1/attempts/{attempt.pk}/events"
        signed_in(staff, instructor)
        assert staff.get(url).status_code == 200  # warm: the user is kept after it
        with CaptureQueriesContext(connection) as few:
            assert staff.get(url).status_code == 200
        ProctorEvent.objects.bulk_create(
            ProctorEvent(attempt=attempt, kind="copy", occurred_at=timezone.now())
            for _ in range(15)
        )
        with CaptureQueriesContext(connection) as many:
            response = staff.get(url)
        assert len(response.json()["data"]) == 19
        assert len(many) == len(few)


class TestInvalidate:
    def invalidate(self, client, attempt, reason="Second phone seen on camera."):
        body = {} if reason is None else {"reason": reason}
        return client.post(
            f"/api/v1/attempts/{attempt.pk}/invalidate", body, format="json"
        )

    def test_the_instructor_invalidates_with_an_audit_entry(
        self, staff, instructor, flagged_attempt, learner_client, exam
    ):
        attempt, token = flagged_attempt
        assert submit(learner_client, exam, token=token).status_code == 201
        assert Attempt.objects.get(pk=attempt.pk).passed is True
        signed_in(staff, instructor)

        response = self.invalidate(staff, attempt)

        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["status"] == "invalidated"
        assert data["passed"] is False
        assert data["invalidated_by"] == instructor.pk
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.INVALIDATED
        assert attempt.passed is False
        assert attempt.invalidated_by == instructor
        assert attempt.invalidated_at is not None
        assert attempt.invalidation_reason == "Second phone seen on camera."
        entry = AuditLog.objects.get(action="assessment.attempt_invalidated")
        assert entry.user == instructor
        assert entry.resource_type == "attempt"
        assert entry.resource_id == str(attempt.pk)
        assert entry.details["reason"] == "Second phone seen on camera."
        assert entry.details["previous_status"] == "graded"
        assert entry.details["previous_passed"] is True

        again = self.invalidate(staff, attempt)
        assert again.status_code == 409
        assert code(again) == "CONFLICT"
        assert (
            AuditLog.objects.filter(action="assessment.attempt_invalidated").count()
            == 1
        )

    def test_invalidating_an_attempt_in_progress_ends_its_session(
        self, staff, admin_user, flagged_attempt, learner_client, exam
    ):
        attempt, token = flagged_attempt
        signed_in(staff, admin_user)

        assert self.invalidate(staff, attempt).status_code == 200

        assert not ProctorSession.objects.filter(
            attempt=attempt, ended_at__isnull=True
        ).exists()
        refused = submit(learner_client, exam, token=token)
        assert refused.status_code == 409
        assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.INVALIDATED

    def test_invalidated_attempts_still_count_against_the_limit(
        self, staff, instructor, learner_client, make_assessment
    ):
        exam = make_exam(make_assessment, max_attempts=1)
        attempt_id, _token = started(learner_client, exam)
        signed_in(staff, instructor)
        assert self.invalidate(staff, Attempt(pk=attempt_id)).status_code == 200

        response = start(learner_client, exam)

        assert response.status_code == 409
        assert code(response) == "MAX_ATTEMPTS_REACHED"
        detail = learner_client.get(f"/api/v1/assessments/{exam.pk}").json()["data"]
        assert detail["attempts_left"] == 0

    @pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001])
    def test_a_reason_is_required(self, staff, instructor, flagged_attempt, reason):
        attempt, _token = flagged_attempt
        signed_in(staff, instructor)
        response = self.invalidate(staff, attempt, reason=reason)
        assert response.status_code == 400
        assert field(response) == "reason"
        assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS

    def test_others_are_refused(self, staff, learner_client, flagged_attempt, course):
        attempt, _token = flagged_attempt
        assert self.invalidate(learner_client, attempt).status_code == 403
        signed_in(staff, make_instructor())
        assert self.invalidate(staff, attempt).status_code == 404
        classmate = UserFactory()
        enrollment_create(actor=classmate, course_id=course.pk)
        signed_in(staff, classmate)
        assert self.invalidate(staff, attempt).status_code == 404
        assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS
        assert not AuditLog.objects.filter(
            action="assessment.attempt_invalidated"
        ).exists()

    def test_it_needs_mfa_where_the_role_requires_it(
        self, staff, instructor, flagged_attempt, settings
    ):
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        attempt, _token = flagged_attempt
        signed_in(staff, instructor)
        response = self.invalidate(staff, attempt)
        assert response.status_code == 403
        assert code(response) == "MFA_ENROLLMENT_REQUIRED"


def test_a_refused_call_changes_nothing_but_the_refusal_event(
    learner_client, learner, exam
):
    """The refused call's transaction rolls back; the event is written after it."""
    attempt_id, _token = started(learner_client, exam)
    response = submit(second_browser(learner), exam, answers={"q1": 0})
    assert response.status_code == 409
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.answers == {}
    assert attempt.score is None
    assert ProctorEvent.objects.get().kind == "second_session_refused"

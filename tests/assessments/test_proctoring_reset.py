"""Staff reset of a proctored attempt's session (the learner's browser crashed and
took the token with it): over the API and on the Wagtail review screen."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import (
    Attempt,
    AttemptStatus,
    ProctorEvent,
    ProctorEventKind,
    ProctorSession,
)
from learning.services import enrollment_create
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .test_proctoring import (
    autosave,
    code,
    field,
    make_exam,
    make_instructor,
    second_browser,
    start,
    started,
    submit,
)

pytestmark = pytest.mark.django_db

REASON = "Learner phoned: the laptop crashed mid-exam."
PHONE_HOME = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Chrome/131 (new)"}


@pytest.fixture
def exam(make_assessment):
    return make_exam(make_assessment)


@pytest.fixture
def staff():
    return APIClient()


def reset(client, attempt_id, reason=REASON, slash=""):
    body = {} if reason is None else {"reason": reason}
    return client.post(
        f"/api/v1/attempts/{attempt_id}/proctor-session/reset{slash}",
        body,
        format="json",
    )


def active_sessions(attempt_id) -> int:
    return ProctorSession.objects.filter(
        attempt_id=attempt_id, ended_at__isnull=True
    ).count()


class TestLostToken:
    def test_staff_reset_lets_the_learner_continue_in_a_new_browser(
        self, learner_client, learner, staff, instructor, exam
    ):
        attempt_id, old_token = started(learner_client, exam)
        assert autosave(learner_client, attempt_id, token=old_token).status_code == 200
        # The browser crashes; the token (sessionStorage) is gone. A new browser is
        # refused, and the refusal flags the attempt.
        new_browser = second_browser(learner)
        refused = start(new_browser, exam, where=PHONE_HOME)
        assert refused.status_code == 409
        assert code(refused) == "PROCTOR_SESSION_ACTIVE"

        signed_in(staff, instructor)
        response = reset(staff, attempt_id)

        assert response.status_code == 200, response.content
        summary = response.json()["data"]
        assert summary["id"] == attempt_id
        assert summary["status"] == "in_progress"
        assert summary["flagged"] is True
        assert summary["session_active"] is False
        assert summary["sessions_count"] == 1
        assert summary["event_counts"]["session_reset"] == 1
        assert summary["event_counts"]["second_session_refused"] == 1
        assert active_sessions(attempt_id) == 0

        # The learner resumes in the new browser: same attempt, a new token, the
        # autosaved answers are still there.
        resumed = start(new_browser, exam, where=PHONE_HOME)
        assert resumed.status_code == 200, resumed.content
        data = resumed.json()["data"]
        assert data["id"] == attempt_id
        new_token = data["proctor_token"]
        assert new_token != old_token
        assert Attempt.objects.get(pk=attempt_id).answers == {"q1": 1}
        assert active_sessions(attempt_id) == 1
        # One new session only: the crashed browser's token no longer works, and
        # resuming again without the new token is refused.
        stale = autosave(learner_client, attempt_id, token=old_token)
        assert stale.status_code == 409
        assert code(stale) == "PROCTOR_SESSION_ACTIVE"
        assert start(learner_client, exam).status_code == 409
        assert start(new_browser, exam, token=new_token).status_code == 200
        assert autosave(new_browser, attempt_id, token=new_token).status_code == 200

        submitted = submit(new_browser, exam, token=new_token, where=PHONE_HOME)

        assert submitted.status_code == 201, submitted.content
        assert submitted.json()["data"]["passed"] is True
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.status == AttemptStatus.GRADED
        assert attempt.attempt_number == 1  # the reset did not use an attempt
        assert ProctorSession.objects.filter(attempt_id=attempt_id).count() == 2
        assert active_sessions(attempt_id) == 0

        # The reset is on the timeline and in the audit log: who and why.
        event = ProctorEvent.objects.get(
            attempt_id=attempt_id, kind=ProctorEventKind.SESSION_RESET
        )
        assert event.details["actor_id"] == instructor.pk
        assert event.details["actor_email"] == instructor.email
        assert event.details["reason"] == REASON
        assert event.details["sessions_ended"] == 1
        assert event.session_id is not None
        entry = AuditLog.objects.get(action="assessment.proctor_session_reset")
        assert entry.user == instructor
        assert entry.resource_type == "attempt"
        assert entry.resource_id == str(attempt_id)
        assert entry.details["reason"] == REASON
        assert entry.details["learner_id"] == learner.pk
        assert entry.details["sessions_ended"] == 1

        # ... and in the review list.
        listing = staff.get(f"/api/v1/assessments/{exam.pk}/proctoring").json()
        row = listing["data"][0]
        assert row["event_counts"]["session_reset"] == 1
        assert row["sessions_count"] == 2
        assert row["session_active"] is False
        timeline = staff.get(f"/api/v1/attempts/{attempt_id}/events").json()
        assert "session_reset" in [e["kind"] for e in timeline["data"]]

    def test_an_admin_may_reset_and_a_trailing_slash_works(
        self, learner_client, staff, admin_user, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        signed_in(staff, admin_user)
        response = reset(staff, attempt_id, slash="/")
        assert response.status_code == 200, response.content
        assert active_sessions(attempt_id) == 0

    def test_a_second_reset_before_the_learner_returns_ends_nothing_more(
        self, learner_client, staff, instructor, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        signed_in(staff, instructor)
        assert reset(staff, attempt_id).status_code == 200

        again = reset(staff, attempt_id)

        assert again.status_code == 200
        assert again.json()["data"]["event_counts"]["session_reset"] == 2
        details = [
            e.details["sessions_ended"]
            for e in ProctorEvent.objects.filter(kind="session_reset").order_by("pk")
        ]
        assert details == [1, 0]


class TestAccess:
    def test_others_are_refused_and_nothing_changes(
        self, learner_client, learner, staff, exam, course
    ):
        attempt_id, token = started(learner_client, exam)

        assert reset(learner_client, attempt_id).status_code == 403  # own attempt
        signed_in(staff, make_instructor())  # teaches another course
        outsider = reset(staff, attempt_id)
        assert outsider.status_code == 404
        assert code(outsider) == "NOT_FOUND"
        classmate = UserFactory()
        enrollment_create(actor=classmate, course_id=course.pk)
        signed_in(staff, classmate)
        assert reset(staff, attempt_id).status_code == 404
        assert reset(APIClient(), attempt_id).status_code == 401
        assert reset(staff, 999999).status_code == 404

        assert active_sessions(attempt_id) == 1
        assert not ProctorEvent.objects.filter(kind="session_reset").exists()
        assert not AuditLog.objects.filter(
            action="assessment.proctor_session_reset"
        ).exists()
        assert autosave(learner_client, attempt_id, token=token).status_code == 200

    def test_it_needs_mfa_where_the_role_requires_it(
        self, learner_client, staff, instructor, exam, settings
    ):
        attempt_id, _token = started(learner_client, exam)
        settings.MFA_REQUIRED_ROLES = ["instructor"]
        signed_in(staff, instructor)
        response = reset(staff, attempt_id)
        assert response.status_code == 403
        assert code(response) == "MFA_ENROLLMENT_REQUIRED"
        assert active_sessions(attempt_id) == 1


class TestRefusals:
    def test_a_submitted_attempt_is_not_in_progress(
        self, learner_client, staff, instructor, exam
    ):
        attempt_id, token = started(learner_client, exam)
        assert submit(learner_client, exam, token=token).status_code == 201
        signed_in(staff, instructor)

        response = reset(staff, attempt_id)

        assert response.status_code == 409
        assert code(response) == "ATTEMPT_NOT_IN_PROGRESS"
        assert not ProctorEvent.objects.filter(kind="session_reset").exists()
        assert not AuditLog.objects.filter(
            action="assessment.proctor_session_reset"
        ).exists()

    def test_an_invalidated_attempt_is_not_in_progress(
        self, learner_client, staff, instructor, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        signed_in(staff, instructor)
        invalidated = staff.post(
            f"/api/v1/attempts/{attempt_id}/invalidate",
            {"reason": "Seen with notes."},
            format="json",
        )
        assert invalidated.status_code == 200

        response = reset(staff, attempt_id)

        assert response.status_code == 409
        assert code(response) == "ATTEMPT_NOT_IN_PROGRESS"

    def test_a_quiz_has_no_session_to_reset(
        self, learner_client, staff, instructor, make_assessment
    ):
        quiz = make_assessment()
        attempt_id = start(learner_client, quiz).json()["data"]["id"]
        signed_in(staff, instructor)

        response = reset(staff, attempt_id)

        assert response.status_code == 409
        assert code(response) == "CONFLICT"

    @pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001, "bad\x00byte"])
    def test_a_reason_is_required(
        self, learner_client, staff, instructor, exam, reason
    ):
        attempt_id, _token = started(learner_client, exam)
        signed_in(staff, instructor)
        response = reset(staff, attempt_id, reason=reason)
        assert response.status_code == 400
        assert field(response) == "reason"
        assert active_sessions(attempt_id) == 1


# --- Wagtail review screen -----------------------------------------------------------


def reset_url(attempt_id) -> str:
    return reverse("assessments_proctoring_reset", args=[attempt_id])


def detail_url(attempt_id) -> str:
    return reverse("assessments_proctoring_attempt", args=[attempt_id])


@pytest.fixture
def web(home_page):
    return Client()


class TestResetScreen:
    def test_the_instructor_confirms_and_resets(
        self, web, learner_client, instructor, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        web.force_login(instructor)

        page = web.get(detail_url(attempt_id)).content.decode()
        assert reset_url(attempt_id) in page
        assert "Reset session" in page

        confirm = web.post(reset_url(attempt_id), {"reason": REASON})
        assert confirm.status_code == 200
        html = confirm.content.decode()
        assert "Yes, reset the session" in html
        assert 'name="confirm"' in html
        assert REASON in html
        assert active_sessions(attempt_id) == 1  # not yet

        done = web.post(
            reset_url(attempt_id), {"reason": REASON, "confirm": "1"}, follow=True
        )

        assert done.redirect_chain[-1][0] == detail_url(attempt_id)
        html = done.content.decode()
        assert "is reset" in html
        assert "Session reset by staff" in html  # on the timeline
        assert active_sessions(attempt_id) == 0
        entry = AuditLog.objects.get(action="assessment.proctor_session_reset")
        assert entry.user == instructor
        assert entry.details["reason"] == REASON

    def test_an_empty_reason_is_an_error_message(
        self, web, learner_client, instructor, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        web.force_login(instructor)
        done = web.post(
            reset_url(attempt_id), {"reason": " ", "confirm": "1"}, follow=True
        )
        assert "Say why the session is reset." in done.content.decode()
        assert active_sessions(attempt_id) == 1

    def test_no_reset_form_once_the_attempt_is_submitted(
        self, web, learner_client, instructor, exam
    ):
        attempt_id, token = started(learner_client, exam)
        assert submit(learner_client, exam, token=token).status_code == 201
        web.force_login(instructor)
        page = web.get(detail_url(attempt_id)).content.decode()
        assert reset_url(attempt_id) not in page
        done = web.post(
            reset_url(attempt_id), {"reason": REASON, "confirm": "1"}, follow=True
        )
        assert "Only an attempt in progress" in done.content.decode()

    def test_others_are_refused(self, web, learner, learner_client, exam):
        attempt_id, _token = started(learner_client, exam)
        web.force_login(make_instructor())
        assert (
            web.post(reset_url(attempt_id), {"reason": REASON, "confirm": "1"})
        ).status_code == 404
        web.force_login(learner)
        assert (
            web.post(reset_url(attempt_id), {"reason": REASON, "confirm": "1"})
        ).status_code in (302, 403)  # not an admin user: Wagtail sends to login
        assert web.get(reset_url(attempt_id)).status_code in (302, 403, 405)
        assert active_sessions(attempt_id) == 1

    def test_the_form_needs_its_csrf_token(
        self, home_page, learner_client, instructor, exam
    ):
        attempt_id, _token = started(learner_client, exam)
        web = Client(enforce_csrf_checks=True)
        web.force_login(instructor)
        response = web.post(reset_url(attempt_id), {"reason": REASON, "confirm": "1"})
        assert response.status_code == 403
        assert active_sessions(attempt_id) == 1

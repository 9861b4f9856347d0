"""The proctoring review screen in the Wagtail admin."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus, ProctorEvent, ProctorSession
from assessments.services import attempt_start
from learning.services import enrollment_create
from portal.audit.models import AuditLog
from tests.portal.factories import UserFactory

from .test_proctoring import event, make_exam, make_instructor, report, started

pytestmark = pytest.mark.django_db

INDEX = "/cms/proctoring/"


def detail_url(attempt) -> str:
    return reverse("assessments_proctoring_attempt", args=[attempt.pk])


def invalidate_url(attempt) -> str:
    return reverse("assessments_proctoring_invalidate", args=[attempt.pk])


@pytest.fixture
def exam(make_assessment):
    return make_exam(make_assessment)


@pytest.fixture
def flagged(learner_client, exam):
    attempt_id, token = started(learner_client, exam)
    events = [event("tab_hidden"), event("paste", details={"length": 12})]
    assert report(learner_client, attempt_id, events, token=token).status_code == 201
    return Attempt.objects.get(pk=attempt_id)


@pytest.fixture
def web(home_page):
    return Client()


def flag_more(exam, course, count):
    for _ in range(count):
        user = UserFactory()
        enrollment_create(actor=user, course_id=course.pk)
        attempt = attempt_start(actor=user, assessment_id=exam.pk).attempt
        ProctorEvent.objects.bulk_create(
            ProctorEvent(attempt=attempt, kind=kind, occurred_at=timezone.now())
            for kind in ("copy", "focus_lost")
        )
        Attempt.objects.filter(pk=attempt.pk).update(flagged=True)


class TestReviewScreen:
    def test_the_instructor_finds_the_flagged_attempt_and_its_timeline(
        self, web, instructor, flagged, learner, exam, course
    ):
        unflagged_user = UserFactory()
        enrollment_create(actor=unflagged_user, course_id=course.pk)
        attempt_start(actor=unflagged_user, assessment_id=exam.pk)
        web.force_login(instructor)

        dashboard = web.get("/cms/")
        assert dashboard.status_code == 200
        assert INDEX in dashboard.content.decode()  # the "Proctoring" menu item

        index = web.get(INDEX)
        assert index.status_code == 200
        html = index.content.decode()
        assert learner.email in html
        assert unflagged_user.email not in html
        assert detail_url(flagged) in html
        assert "Paste: 1" in html

        detail = web.get(detail_url(flagged))
        assert detail.status_code == 200
        html = detail.content.decode()
        assert "Tab switched or hidden" in html
        assert "Paste" in html
        assert "198.51.100.7" in html
        assert invalidate_url(flagged) in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_the_instructor_invalidates_with_an_audit_entry(
        self, web, instructor, flagged
    ):
        web.force_login(instructor)

        response = web.post(invalidate_url(flagged), {"reason": "Pasted answers."})

        assert response.status_code == 302
        assert response["Location"] == detail_url(flagged)
        flagged.refresh_from_db()
        assert flagged.status == AttemptStatus.INVALIDATED
        assert flagged.passed is False
        assert flagged.invalidated_by == instructor
        assert flagged.invalidation_reason == "Pasted answers."
        assert not ProctorSession.objects.filter(
            attempt=flagged, ended_at__isnull=True
        ).exists()
        entry = AuditLog.objects.get(action="assessment.attempt_invalidated")
        assert entry.user == instructor
        assert entry.resource_id == str(flagged.pk)
        page = web.get(detail_url(flagged)).content.decode()
        assert "is invalidated" in page
        assert "Pasted answers." in page
        assert invalidate_url(flagged) not in page  # no second invalidation form

        again = web.post(invalidate_url(flagged), {"reason": "Again."}, follow=True)
        assert "already invalidated" in again.content.decode()
        assert (
            AuditLog.objects.filter(action="assessment.attempt_invalidated").count()
            == 1
        )

    def test_a_reason_is_required(self, web, instructor, flagged):
        web.force_login(instructor)
        response = web.post(invalidate_url(flagged), {"reason": "  "}, follow=True)
        assert response.status_code == 200
        assert "Say why" in response.content.decode()
        assert Attempt.objects.get(pk=flagged.pk).status == AttemptStatus.IN_PROGRESS

    def test_the_form_needs_a_csrf_token(self, home_page, instructor, flagged):
        client = Client(enforce_csrf_checks=True)
        client.force_login(instructor)
        response = client.post(invalidate_url(flagged), {"reason": "No token."})
        assert response.status_code == 403
        assert Attempt.objects.get(pk=flagged.pk).status == AttemptStatus.IN_PROGRESS

    def test_invalidate_takes_post_only(self, web, instructor, flagged):
        web.force_login(instructor)
        assert web.get(invalidate_url(flagged)).status_code == 405

    def test_another_instructor_sees_nothing_and_cannot_invalidate(
        self, web, flagged, learner
    ):
        web.force_login(make_instructor())

        index = web.get(INDEX)
        assert index.status_code == 200
        assert learner.email not in index.content.decode()
        assert web.get(detail_url(flagged)).status_code == 404
        response = web.post(invalidate_url(flagged), {"reason": "Not mine."})
        assert response.status_code == 404
        assert Attempt.objects.get(pk=flagged.pk).status == AttemptStatus.IN_PROGRESS
        assert not AuditLog.objects.filter(
            action="assessment.attempt_invalidated"
        ).exists()

    def test_learners_are_kept_out(self, web, flagged, learner):
        web.force_login(learner)
        for response in (
            web.get(INDEX),
            web.get(detail_url(flagged)),
            web.post(invalidate_url(flagged), {"reason": "Myself."}),
        ):
            assert response.status_code in (302, 403)
            # Nothing of the review screen (the 403 page names only the visitor).
            body = response.content.decode()
            assert flagged.assessment.title not in body
            assert "tab_hidden" not in body
        assert Attempt.objects.get(pk=flagged.pk).status == AttemptStatus.IN_PROGRESS

    def test_anonymous_is_sent_to_sign_in(self, web, flagged):
        response = web.get(INDEX)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_admin_sees_every_course_and_invalidates(
        self, web, admin_user, flagged, learner, make_course, instructor
    ):
        other_course = make_course(title="Forensics")
        other_learner = UserFactory()
        enrollment_create(actor=other_learner, course_id=other_course.pk)
        from assessments.services import assessment_create

        from .conftest import QUESTIONS

        other_exam = assessment_create(
            actor=instructor,
            course_id=other_course.pk,
            title="Forensics exam",
            assessment_type="quiz",
            questions=QUESTIONS,
            passing_score=50,
        )
        other_attempt = attempt_start(
            actor=other_learner, assessment_id=other_exam.pk
        ).attempt
        Attempt.objects.filter(pk=other_attempt.pk).update(flagged=True)
        web.force_login(admin_user)

        html = web.get(INDEX).content.decode()
        assert learner.email in html
        assert other_learner.email in html

        response = web.post(invalidate_url(flagged), {"reason": "Two devices."})
        assert response.status_code == 302
        assert Attempt.objects.get(pk=flagged.pk).status == AttemptStatus.INVALIDATED

    def test_the_index_query_count_does_not_grow_with_rows(
        self, web, instructor, flagged, exam, course
    ):
        web.force_login(instructor)
        web.get(INDEX)  # warm up per-session queries
        with CaptureQueriesContext(connection) as one:
            assert web.get(INDEX).status_code == 200
        flag_more(exam, course, 6)
        with CaptureQueriesContext(connection) as many:
            response = web.get(INDEX)
        assert response.content.decode().count('href="/cms/proctoring/attempts/') == 7
        assert len(many) == len(one)

    def test_the_timeline_query_count_does_not_grow_with_events(
        self, web, instructor, flagged
    ):
        web.force_login(instructor)
        web.get(detail_url(flagged))
        with CaptureQueriesContext(connection) as few:
            assert web.get(detail_url(flagged)).status_code == 200
        ProctorEvent.objects.bulk_create(
            ProctorEvent(attempt=flagged, kind="copy", occurred_at=timezone.now())
            for _ in range(20)
        )
        with CaptureQueriesContext(connection) as many:
            response = web.get(detail_url(flagged))
        assert response.content.decode().count("proctor-event--copy") == 20
        assert len(many) == len(few)

"""Outgoing webhooks: endpoints (admins; the secret shown once), the outbox written
with the change, deliveries signed the Standard Webhooks way to a real local HTTP
server, retried with backoff for a day, then failed."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from learning.models import EnrollmentSource
from learning.services import enrollment_create
from learning.services.certificates import certificate_issue, certificate_revoke
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from portal.webhooks.services import (
    webhook_deliveries_due,
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_event_emit,
)
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.portal.openapi import assert_response_matches

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints"


@pytest.fixture
def admin_user(db):
    admin = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=admin)
    return admin


@pytest.fixture
def partner(httpserver):
    """A partner's receiver that answers 204 and keeps what it got."""
    received = []

    def handler(request):
        received.append((request.get_data(), dict(request.headers)))
        return Response("", status=204)

    httpserver.expect_request("/hooks").respond_with_handler(handler)
    return received


@pytest.fixture
def endpoint(httpserver, admin_user):
    return webhook_endpoint_create(
        actor=admin_user,
        url=httpserver.url_for("/hooks"),
        events=["enrollment.created", "order.paid"],
        description="CRM",
    )


class TestEndpointsApi:
    def test_an_admin_registers_one_and_sees_the_secret_once(
        self, api_client, admin_user, httpserver
    ):
        signed_in(api_client, admin_user)
        response = api_client.post(
            ENDPOINTS,
            {
                "url": httpserver.url_for("/hooks"),
                "events": ["order.paid", "certificate.issued"],
                "description": "Partner CRM",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["secret"].startswith("whsec_")
        assert data["events"] == ["certificate.issued", "order.paid"]
        assert WebhookEndpoint.objects.get().secret == data["secret"]

        listing = api_client.get(ENDPOINTS + "/")
        assert listing.status_code == 200
        assert listing.json()["meta"]["pagination"]["total"] == 1
        assert "secret" not in listing.json()["data"][0]
        assert_response_matches(listing, ENDPOINTS)
        detail = api_client.get(f"{ENDPOINTS}/{data['id']}")
        assert "secret" not in detail.json()["data"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"url": "http://example.org/h", "events": ["order.shipped"]}, "events"),
            ({"url": "http://example.org/h", "events": []}, "events"),
            ({"url": "http://example.org/h", "events": "order.paid"}, "events"),
            ({"url": "not a url", "events": ["order.paid"]}, "url"),
            ({"url": "ftp://example.org/h", "events": ["order.paid"]}, "url"),
            ({"events": ["order.paid"]}, "url"),
        ],
    )
    def test_bad_input_is_400_naming_the_field(
        self, api_client, admin_user, body, field
    ):
        signed_in(api_client, admin_user)
        response = api_client.post(ENDPOINTS, body, format="json")
        assert response.status_code == 400
        # A list item is named with its index (events.0).
        assert response.json()["errors"][0]["field"].split(".")[0] == field

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8800/h",
            "http://localhost/h",
            "http://10.1.2.3/h",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/h",
            "http://192.168.0.10/h",
        ],
    )
    def test_private_targets_are_refused_in_production(
        self, api_client, admin_user, settings, url
    ):
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        signed_in(api_client, admin_user)
        response = api_client.post(
            ENDPOINTS, {"url": url, "events": ["order.paid"]}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "url"
        assert not WebhookEndpoint.objects.exists()

    def test_others_get_403(self, api_client, endpoint):
        for role in (Role.STUDENT, Role.INSTRUCTOR, Role.CORPORATE_REP):
            user = UserFactory(role=role)
            user_role_privileges_sync(user=user)
            signed_in(api_client, user)
            assert api_client.get(ENDPOINTS).status_code == 403
            assert (
                api_client.post(
                    ENDPOINTS,
                    {"url": "http://example.org", "events": ["order.paid"]},
                    format="json",
                ).status_code
                == 403
            )
            assert (
                api_client.get(f"{ENDPOINTS}/{endpoint.pk}/deliveries").status_code
                == 403
            )
        api_client.credentials()
        assert api_client.get(ENDPOINTS).status_code == 401

    def test_put_is_partial(self, api_client, admin_user, endpoint):
        signed_in(api_client, admin_user)
        response = api_client.put(
            f"{ENDPOINTS}/{endpoint.pk}", {"description": "New name"}, format="json"
        )
        assert response.status_code == 200
        endpoint.refresh_from_db()
        assert endpoint.description == "New name"
        assert endpoint.events == ["enrollment.created", "order.paid"]
        response = api_client.patch(
            f"{ENDPOINTS}/{endpoint.pk}/", {"is_active": False}, format="json"
        )
        assert response.json()["data"]["is_active"] is False

    def test_missing_endpoint_is_404(self, api_client, admin_user):
        signed_in(api_client, admin_user)
        assert api_client.get(f"{ENDPOINTS}/9999").status_code == 404
        assert api_client.get(f"{ENDPOINTS}/9999/deliveries").status_code == 404


class TestOutbox:
    def test_the_event_is_written_with_the_change_and_rolls_back_with_it(
        self, endpoint, course, student
    ):
        seen = []

        def change_that_fails():
            with transaction.atomic():
                enrollment_create(actor=student, course_id=course.pk)
                seen.append(WebhookEvent.objects.count())
                raise RuntimeError("the change fails after the event was written")

        with pytest.raises(RuntimeError):
            change_that_fails()
        assert seen == [1]
        assert not WebhookEvent.objects.exists()
        assert not WebhookDelivery.objects.exists()

    def test_only_subscribed_active_endpoints_get_a_delivery(
        self, endpoint, admin_user, httpserver, course, student
    ):
        webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/other"),
            events=["certificate.issued"],
        )
        inactive = webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/off"),
            events=["enrollment.created"],
        )
        WebhookEndpoint.objects.filter(pk=inactive.pk).update(is_active=False)

        enrollment_create(actor=student, course_id=course.pk)

        assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [
            endpoint.pk
        ]

    def test_nothing_is_written_without_subscribers(self, course, student):
        enrollment_create(actor=student, course_id=course.pk)
        assert not WebhookEvent.objects.exists()

    def test_an_undeclared_event_fails_where_it_is_written(self, endpoint):
        with pytest.raises(KeyError):
            webhook_event_emit(event="order.shipped", data={})


class TestDelivery:
    def test_a_delivery_is_signed_the_standard_webhooks_way(
        self, endpoint, partner, course, student, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = enrollment_create(actor=student, course_id=course.pk)

        [(body, headers)] = partner
        # The partner verifies with the standardwebhooks library and the secret.
        message = Webhook(endpoint.secret).verify(body, headers)
        assert message["type"] == "enrollment.created"
        assert message["data"]["enrollment_id"] == enrollment.pk
        assert message["data"]["user_id"] == student.pk
        event = WebhookEvent.objects.get()
        assert headers["Webhook-Id"] == event.message_id
        assert headers["Webhook-Signature"].startswith("v1,")
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.response_status == 204
        assert delivery.attempts == 1

    def test_a_tampered_delivery_would_not_verify(
        self, endpoint, partner, course, student, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=student, course_id=course.pk)
        [(body, headers)] = partner
        from standardwebhooks.webhooks import WebhookVerificationError

        with pytest.raises(WebhookVerificationError):
            Webhook(endpoint.secret).verify(
                body.replace(b"created", b"cancel"), headers
            )

    def test_failures_back_off_exponentially_then_fail_after_a_day(
        self, httpserver, admin_user, course, student, settings
    ):
        settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
        httpserver.expect_request("/down").respond_with_data("oops", status=503)
        endpoint = webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/down"),
            events=["enrollment.created"],
        )
        enrollment_create(actor=student, course_id=course.pk)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)

        waits = []
        for _ in range(3):
            before = timezone.now()
            webhook_delivery_attempt(delivery_id=delivery.pk)
            delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.PENDING
            assert delivery.response_status == 503
            waits.append(round((delivery.next_attempt_at - before).total_seconds()))
            # Not due yet: a second call does nothing.
            assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now()
            )
        assert waits == [30, 60, 120]
        assert delivery.attempts == 3

        # A day after the event, the next failure is final.
        WebhookEvent.objects.update(created_at=timezone.now() - timedelta(hours=24))
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.next_attempt_at is None
        assert delivery.last_error == "answered 503"

    def test_a_timeout_is_recorded_without_a_status(
        self, httpserver, admin_user, course, student, settings
    ):
        import time

        settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3

        def slow(request):
            time.sleep(0.8)
            return Response("", status=200)

        httpserver.expect_request("/slow").respond_with_handler(slow)
        webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/slow"),
            events=["enrollment.created"],
        )
        enrollment_create(actor=student, course_id=course.pk)
        delivery = WebhookDelivery.objects.get()
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.response_status is None
        assert delivery.last_error == "timed out"

    def test_a_redirect_is_not_followed(self, httpserver, admin_user, course, student):
        httpserver.expect_request("/moved").respond_with_data(
            "", status=302, headers={"Location": "http://169.254.169.254/"}
        )
        webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/moved"),
            events=["enrollment.created"],
        )
        enrollment_create(actor=student, course_id=course.pk)
        delivery = WebhookDelivery.objects.get()
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.response_status == 302
        assert delivery.status == DeliveryStatus.PENDING

    def test_a_private_target_is_refused_at_send_time_in_production(
        self, endpoint, course, student, settings, partner
    ):
        enrollment_create(actor=student, course_id=course.pk)
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        delivery = WebhookDelivery.objects.get()
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.last_error.startswith("refused:")
        assert not partner

    def test_the_sweep_queues_due_deliveries(self, endpoint, partner, course, student):
        enrollment_create(actor=student, course_id=course.pk)  # on_commit not run
        delivery = WebhookDelivery.objects.get()
        assert webhook_deliveries_due() == [delivery.pk]
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert webhook_deliveries_due() == []


class TestDeliveriesApi:
    def test_lists_deliveries_with_response_codes(
        self, api_client, admin_user, endpoint, partner, make_course, student
    ):
        course = make_course()
        enrollment_create(actor=student, course_id=course.pk)
        webhook_deliveries_due()
        signed_in(api_client, admin_user)
        response = api_client.get(f"{ENDPOINTS}/{endpoint.pk}/deliveries/")
        assert response.status_code == 200
        [row] = response.json()["data"]
        assert row["event"] == "enrollment.created"
        assert row["status"] == "succeeded"
        assert row["response_status"] == 204
        assert row["attempts"] == 1
        assert_response_matches(response, ENDPOINTS + "/{endpoint_id}/deliveries")
        failed = api_client.get(
            f"{ENDPOINTS}/{endpoint.pk}/deliveries", {"status": "failed"}
        )
        assert failed.json()["data"] == []
        assert (
            api_client.get(
                f"{ENDPOINTS}/{endpoint.pk}/deliveries", {"status": "nope"}
            ).status_code
            == 400
        )

    def test_queries_do_not_grow_with_rows(
        self, api_client, admin_user, endpoint, django_assert_max_num_queries
    ):
        signed_in(api_client, admin_user)
        webhook_event_emit(event="order.paid", data={"order_id": 1})
        with django_assert_max_num_queries(12) as few:
            api_client.get(f"{ENDPOINTS}/{endpoint.pk}/deliveries")
        for index in range(6):
            webhook_event_emit(event="order.paid", data={"order_id": index})
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = api_client.get(f"{ENDPOINTS}/{endpoint.pk}/deliveries")
        assert len(response.json()["data"]) == 7


class TestEmittedEvents:
    """Each contract event comes from the one place its change happens."""

    def subscribe(self, admin_user, httpserver, *events):
        return webhook_endpoint_create(
            actor=admin_user, url=httpserver.url_for("/all"), events=list(events)
        )

    def types(self):
        return list(WebhookEvent.objects.order_by("pk").values_list("type", flat=True))

    def test_completion_and_certificates(
        self, admin_user, httpserver, make_course, student
    ):
        from content.models import ModulePage
        from learning.services import module_progress_record

        self.subscribe(
            admin_user,
            httpserver,
            "enrollment.completed",
            "certificate.issued",
            "certificate.revoked",
        )
        course = make_course(modules=(("Only", True),))
        enrollment = enrollment_create(
            actor=admin_user,
            user=student,
            course_id=course.pk,
            source=EnrollmentSource.ADMIN,
        )
        module = ModulePage.objects.child_of(course).live().get()
        module_progress_record(
            actor=student, course_id=course.pk, module_id=module.pk, completed=True
        )
        certificate = certificate_issue(enrollment_id=enrollment.pk)
        certificate_revoke(certificate=certificate, actor=admin_user, reason="Fraud")
        assert self.types() == [
            "enrollment.completed",
            "certificate.issued",
            "certificate.revoked",
        ]
        revoked = WebhookEvent.objects.get(type="certificate.revoked").payload
        assert revoked["data"]["number"] == certificate.number

"""PayPal Orders v2 against a fake PayPal on a local server, and PayPal's webhook
verification with a certificate chain the test generates (a root it trusts, a leaf
for messageverificationcerts.paypal.com): CRC32 + SHA256withRSA, as PayPal signs."""

import base64
import json
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug import Response

from integrations.paypal import webhooks as paypal_webhooks
from integrations.resilience import vendor_breaker
from learning.models import Enrollment, EnrollmentStatus
from learning.payments.models import Order, OrderStatus, PaymentEvent
from learning.payments.services import order_refund
from tests.portal.auth_helpers import signed_in

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/webhooks/paypal"
WEBHOOK_ID = "WH-TEST-1234"
HOST = "messageverificationcerts.paypal.com"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_chain(*, host: str = HOST):
    """A root CA and a leaf for ``host`` signed by it; returns (root PEM, leaf PEM,
    leaf key)."""
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Root CA"))
        .issuer_name(_name("Test Root CA"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(root.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=10))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return root.public_bytes(pem), leaf.public_bytes(pem), leaf_key


@pytest.fixture(scope="module")
def chain():
    return make_chain()


class FakePayPal:
    def __init__(self, httpserver, leaf_pem):
        self.server = httpserver
        self.requests = []
        self.orders = {}
        httpserver.expect_request("/v1/oauth2/token", method="POST").respond_with_json(
            {"access_token": "A21-test", "expires_in": 32400, "token_type": "Bearer"}
        )
        httpserver.expect_request(
            "/v2/checkout/orders", method="POST"
        ).respond_with_handler(self._create)
        httpserver.expect_request("/certs/leaf.pem").respond_with_data(
            leaf_pem, content_type="application/x-pem-file"
        )

    def _create(self, request):
        body = json.loads(request.get_data())
        self.requests.append(("create", body, dict(request.headers)))
        order_id = f"5O{uuid.uuid4().hex[:15].upper()}"
        self.orders[order_id] = body
        self.server.expect_request(
            f"/v2/checkout/orders/{order_id}/capture", method="POST"
        ).respond_with_handler(lambda r, oid=order_id: self._capture(r, oid))
        return Response(
            json.dumps(
                {
                    "id": order_id,
                    "status": "PAYER_ACTION_REQUIRED",
                    "links": [
                        {
                            "href": f"https://www.sandbox.paypal.com/checkoutnow?token={order_id}",
                            "rel": "payer-action",
                        }
                    ],
                }
            ),
            content_type="application/json",
            status=201,
        )

    def _capture(self, request, order_id):
        self.requests.append(("capture", order_id, dict(request.headers)))
        unit = self.orders[order_id]["purchase_units"][0]
        capture_id = f"CAP{order_id}"
        self.server.expect_request(
            f"/v2/payments/captures/{capture_id}/refund", method="POST"
        ).respond_with_handler(lambda r: self._refund(r, capture_id))
        return Response(
            json.dumps(
                {
                    "id": order_id,
                    "status": "COMPLETED",
                    "purchase_units": [
                        {
                            "reference_id": unit["reference_id"],
                            "payments": {
                                "captures": [
                                    {
                                        "id": capture_id,
                                        "status": "COMPLETED",
                                        "amount": unit["amount"],
                                        "custom_id": unit["custom_id"],
                                    }
                                ]
                            },
                        }
                    ],
                }
            ),
            content_type="application/json",
            status=201,
        )

    def _refund(self, request, capture_id):
        self.requests.append(("refund", capture_id, dict(request.headers)))
        return Response(
            json.dumps({"id": f"REF{capture_id}", "status": "COMPLETED"}),
            content_type="application/json",
            status=201,
        )


@pytest.fixture
def fake_paypal(httpserver, settings, chain, tmp_path, stripe_off):
    root_pem, leaf_pem, _ = chain
    roots = tmp_path / "roots.pem"
    roots.write_bytes(root_pem)
    settings.PAYPAL = {
        "CLIENT_ID": "client",
        "CLIENT_SECRET": "secret",
        "WEBHOOK_ID": WEBHOOK_ID,
        "API_BASE": httpserver.url_for("").rstrip("/"),
        "CERT_URL_PREFIXES": httpserver.url_for("/certs/"),
        "CERT_HOST": HOST,
        "CERT_ROOTS": str(roots),
    }
    paypal_webhooks._certificates.clear()
    paypal_webhooks._roots.cache_clear()
    vendor_breaker(vendor="paypal").close()
    return FakePayPal(httpserver, leaf_pem)


def paypal_headers(body: bytes, key, httpserver, *, at=None, webhook_id=WEBHOOK_ID):
    transmission_id = str(uuid.uuid4())
    sent = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = f"{transmission_id}|{sent}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}"
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "HTTP_PAYPAL_TRANSMISSION_ID": transmission_id,
        "HTTP_PAYPAL_TRANSMISSION_TIME": sent,
        "HTTP_PAYPAL_TRANSMISSION_SIG": base64.b64encode(signature).decode(),
        "HTTP_PAYPAL_CERT_URL": httpserver.url_for("/certs/leaf.pem"),
        "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
    }


def event(kind: str, resource: dict, event_id=None) -> dict:
    return {
        "id": event_id or f"WH-{uuid.uuid4().hex[:20]}",
        "event_type": kind,
        "resource_type": "checkout-order" if kind.startswith("CHECKOUT") else "capture",
        "resource": resource,
    }


def deliver(client, payload, key, httpserver, *, body=None, **kwargs):
    raw = body if body is not None else json.dumps(payload).encode()
    return client.generic(
        "POST",
        WEBHOOK,
        raw,
        content_type="application/json",
        **paypal_headers(raw, key, httpserver, **kwargs),
    )


@pytest.fixture
def paypal_order(api_client, fake_paypal, paid_course, student):
    signed_in(api_client, student)
    response = api_client.post(
        f"/api/v1/courses/{paid_course.pk}/checkout",
        {"provider": "paypal"},
        format="json",
    )
    assert response.status_code == 201, response.content
    api_client.credentials()
    return Order.objects.get(pk=response.json()["data"]["order_id"])


class TestPayPalCheckout:
    def test_creates_a_paypal_order_at_the_servers_price(
        self, paypal_order, fake_paypal
    ):
        [(_, body, headers)] = [r for r in fake_paypal.requests if r[0] == "create"]
        unit = body["purchase_units"][0]
        assert unit["amount"] == {"currency_code": "USD", "value": "99.00"}
        assert unit["custom_id"] == str(paypal_order.reference)
        assert headers["Paypal-Request-Id"] == f"order-{paypal_order.reference}"
        assert headers["Authorization"] == "Bearer A21-test"
        assert paypal_order.redirect_url.startswith(
            "https://www.sandbox.paypal.com/checkoutnow?token="
        )
        assert paypal_order.provider_session in paypal_order.redirect_url


class TestPayPalWebhook:
    def test_approved_is_captured_and_enrolls_once(
        self,
        api_client,
        paypal_order,
        fake_paypal,
        chain,
        httpserver,
        django_capture_on_commit_callbacks,
    ):
        _, _, key = chain
        approved = event(
            "CHECKOUT.ORDER.APPROVED", {"id": paypal_order.provider_session}
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(api_client, approved, key, httpserver)
        assert response.status_code == 200, response.content
        paypal_order.refresh_from_db()
        assert paypal_order.status == OrderStatus.PAID
        assert paypal_order.provider_payment == f"CAP{paypal_order.provider_session}"
        enrollment = Enrollment.objects.get(user=paypal_order.user)
        assert enrollment.status == EnrollmentStatus.ACTIVE

        # PayPal's own capture event, and the approval again, change nothing.
        completed = event(
            "PAYMENT.CAPTURE.COMPLETED",
            {
                "id": paypal_order.provider_payment,
                "status": "COMPLETED",
                "amount": {"currency_code": "USD", "value": "99.00"},
                "custom_id": str(paypal_order.reference),
            },
        )
        assert deliver(api_client, completed, key, httpserver).status_code == 200
        again = deliver(api_client, approved, key, httpserver)
        assert again.json()["data"]["duplicate"] is True
        assert len([r for r in fake_paypal.requests if r[0] == "capture"]) == 1
        assert Enrollment.objects.filter(user=paypal_order.user).count() == 1

    def test_refund_before_capture_event_never_enrolls_then_admin_refund(
        self, api_client, paypal_order, chain, httpserver
    ):
        _, _, key = chain
        refunded = event(
            "PAYMENT.CAPTURE.REFUNDED",
            {
                "id": "REF1",
                "status": "COMPLETED",
                "custom_id": str(paypal_order.reference),
            },
        )
        deliver(api_client, refunded, key, httpserver)
        completed = event(
            "PAYMENT.CAPTURE.COMPLETED",
            {
                "id": "CAP1",
                "amount": {"currency_code": "USD", "value": "99.00"},
                "custom_id": str(paypal_order.reference),
            },
        )
        deliver(api_client, completed, key, httpserver)
        assert Order.objects.get(pk=paypal_order.pk).status == OrderStatus.REFUNDED
        assert not Enrollment.objects.exists()

    def test_an_admin_refund_goes_through_paypal(
        self,
        api_client,
        paypal_order,
        fake_paypal,
        chain,
        httpserver,
        admin_user,
        django_capture_on_commit_callbacks,
    ):
        _, _, key = chain
        approved = event(
            "CHECKOUT.ORDER.APPROVED", {"id": paypal_order.provider_session}
        )
        with django_capture_on_commit_callbacks(execute=True):
            deliver(api_client, approved, key, httpserver)
        order = order_refund(actor=admin_user, order_id=paypal_order.pk)
        assert order.status == OrderStatus.REFUNDED
        assert order.provider_refund == f"REFCAP{paypal_order.provider_session}"
        [(_, _, headers)] = [r for r in fake_paypal.requests if r[0] == "refund"]
        assert headers["Paypal-Request-Id"] == f"refund-{paypal_order.reference}"
        assert Enrollment.objects.get().status == EnrollmentStatus.CANCELLED


class TestPayPalVerification:
    """Forged, tampered, replayed, wrongly certified: 400 and nothing changes."""

    def completed(self, order):
        return event(
            "PAYMENT.CAPTURE.COMPLETED",
            {
                "id": "CAP1",
                "amount": {"currency_code": "USD", "value": "99.00"},
                "custom_id": str(order.reference),
            },
        )

    def assert_refused(self, response, order):
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["code"] == "VALIDATION_ERROR"
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
        assert not PaymentEvent.objects.exists()

    def test_a_valid_event_passes(self, api_client, paypal_order, chain, httpserver):
        _, _, key = chain
        response = deliver(api_client, self.completed(paypal_order), key, httpserver)
        assert response.status_code == 200
        assert Order.objects.get(pk=paypal_order.pk).status == OrderStatus.PAID

    def test_tampered_body(self, api_client, paypal_order, chain, httpserver):
        _, _, key = chain
        body = json.dumps(self.completed(paypal_order)).encode()
        headers = paypal_headers(body, key, httpserver)
        tampered = body.replace(b"99.00", b"1.00")
        response = api_client.generic(
            "POST", WEBHOOK, tampered, content_type="application/json", **headers
        )
        self.assert_refused(response, paypal_order)

    def test_signed_by_another_key(self, api_client, paypal_order, httpserver):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.assert_refused(
            deliver(api_client, self.completed(paypal_order), other, httpserver),
            paypal_order,
        )

    def test_for_another_webhook_id(self, api_client, paypal_order, chain, httpserver):
        _, _, key = chain
        response = deliver(
            api_client,
            self.completed(paypal_order),
            key,
            httpserver,
            webhook_id="WH-OTHER",
        )
        self.assert_refused(response, paypal_order)

    def test_replayed_after_five_minutes(
        self, api_client, paypal_order, chain, httpserver
    ):
        _, _, key = chain
        old = datetime.now(UTC) - timedelta(minutes=6)
        response = deliver(
            api_client, self.completed(paypal_order), key, httpserver, at=old
        )
        self.assert_refused(response, paypal_order)

    def test_a_certificate_from_elsewhere(
        self, api_client, paypal_order, chain, httpserver
    ):
        _, _, key = chain
        body = json.dumps(self.completed(paypal_order)).encode()
        headers = paypal_headers(body, key, httpserver)
        headers["HTTP_PAYPAL_CERT_URL"] = "https://attacker.example/leaf.pem"
        response = api_client.generic(
            "POST", WEBHOOK, body, content_type="application/json", **headers
        )
        self.assert_refused(response, paypal_order)

    def test_a_certificate_not_chained_to_the_roots(
        self, api_client, paypal_order, httpserver
    ):
        _, rogue_leaf, rogue_key = make_chain()
        httpserver.expect_request("/certs/rogue.pem").respond_with_data(rogue_leaf)
        body = json.dumps(self.completed(paypal_order)).encode()
        headers = paypal_headers(body, rogue_key, httpserver)
        headers["HTTP_PAYPAL_CERT_URL"] = httpserver.url_for("/certs/rogue.pem")
        response = api_client.generic(
            "POST", WEBHOOK, body, content_type="application/json", **headers
        )
        self.assert_refused(response, paypal_order)

    def test_missing_headers(self, api_client, paypal_order):
        response = api_client.generic(
            "POST",
            WEBHOOK,
            json.dumps(self.completed(paypal_order)).encode(),
            content_type="application/json",
        )
        self.assert_refused(response, paypal_order)

    def test_an_event_for_no_order_of_ours(
        self, api_client, paypal_order, chain, httpserver
    ):
        _, _, key = chain
        payload = self.completed(paypal_order)
        payload["resource"]["custom_id"] = str(uuid.uuid4())
        self.assert_refused(deliver(api_client, payload, key, httpserver), paypal_order)

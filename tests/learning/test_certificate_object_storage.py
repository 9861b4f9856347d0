"""Certificate PDFs with media on S3-compatible object storage (a real SeaweedFS
server, tests/s3.py): rendered into the bucket, downloaded by the holder through a
redirect to a short-lived presigned URL; nobody else gets a URL."""

import pytest

from learning.models import Certificate
from learning.services.certificates import certificate_pdf_store
from tests.learning import test_certificates
from tests.learning.test_certificates import download
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.s3 import http_get as fetch

pytestmark = pytest.mark.django_db
certificate = test_certificates.certificate


@pytest.fixture
def stored_certificate(s3_media, certificate):
    return certificate


def test_holder_downloads_the_pdf_from_the_bucket(
    stored_certificate, s3_media, api_client
):
    signed_in(api_client, stored_certificate.user)
    response = download(api_client, stored_certificate)
    assert response.status_code == 302
    stored = Certificate.objects.get(pk=stored_certificate.pk).pdf.name
    assert s3_media.keys("certificates/") == [stored]
    status, headers, body = fetch(response["Location"])
    assert status == 200
    assert body.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{stored_certificate.number}.pdf"'
    )


def test_a_stored_pdf_is_kept_not_rendered_again(stored_certificate, s3_media):
    certificate_pdf_store(certificate=stored_certificate)
    stored_certificate.refresh_from_db()
    certificate_pdf_store(certificate=stored_certificate)
    assert len(s3_media.keys("certificates/")) == 1


def test_another_learner_gets_no_url(stored_certificate, api_client):
    signed_in(api_client, UserFactory())
    response = download(api_client, stored_certificate)
    assert response.status_code in (403, 404)
    assert "Location" not in response

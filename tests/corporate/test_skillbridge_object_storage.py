"""SkillBridge approval documents with media on S3-compatible object storage (a real
SeaweedFS server, tests/s3.py): stored encrypted in the bucket, read back through
the access-checked endpoint (Django decrypts; no URL to the object is handed out)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from corporate.skillbridge.models import Participant
from tests.corporate import test_skillbridge
from tests.corporate.test_skillbridge import BASE
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
admin = test_skillbridge.admin
staff_client = test_skillbridge.staff_client
cohort = test_skillbridge.cohort
participant = test_skillbridge.participant


def test_approval_document_is_encrypted_in_the_bucket(
    s3_media, staff_client, cohort, participant, api_client
):
    content = b"%PDF-1.4\n% approval\n"
    url = f"{BASE}/{cohort['id']}/participants/{participant['id']}/approval-document"
    response = staff_client.post(
        url,
        {"file": SimpleUploadedFile("approval.pdf", content, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    stored = Participant.objects.get().approval_document
    assert s3_media.keys() == [stored.name]
    raw = (
        s3_media.server.client()
        .get_object(
            Bucket=s3_media.server.bucket, Key=f"{s3_media.location}/{stored.name}"
        )["Body"]
        .read()
    )
    assert b"approval" not in raw
    download = staff_client.get(url)
    assert download.status_code == 200
    assert download.content == content
    signed_in(api_client, UserFactory())
    assert api_client.get(url).status_code in (403, 404)

"""Media on S3-compatible object storage (``MEDIA_STORAGE=s3``) for what portal
keeps: job downloads and avatars, the settings that select the backend, and the
storage helpers (portal/storage.py), against a real SeaweedFS server (tests/s3.py).
"""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.jobs.models import Job
from portal.jobs.services import job_file_expire, job_run
from portal.storage import (
    local_file,
    storage_delete_tree,
    storage_folders,
    storage_upload_tree,
)
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.s3 import http_get
from tests.support import result_of, run_python

pytestmark = pytest.mark.django_db


class TestJobFiles:
    def test_creator_downloads_from_the_bucket_others_get_404(
        self, s3_media, api_client
    ):
        creator = UserFactory()
        job = Job.objects.create(kind="report", creator=creator)

        def work(run):
            run.attach(
                name="report.csv", content=b"a,b\n1,2\n", content_type="text/csv"
            )

        job_run(job_id=job.pk, work=work)
        job.refresh_from_db()
        assert s3_media.keys("jobs/") == [job.file.name]

        signed_in(api_client, creator)
        response = api_client.get(f"/api/v1/jobs/{job.pk}/download")
        assert response.status_code == 302
        status, headers, body = http_get(response["Location"])
        assert (status, body) == (200, b"a,b\n1,2\n")
        assert headers["Content-Type"] == "text/csv"
        assert headers["Content-Disposition"] == 'attachment; filename="report.csv"'

        other = UserFactory()
        api_client.credentials()
        signed_in(api_client, other)
        response = api_client.get(f"/api/v1/jobs/{job.pk}/download")
        assert response.status_code == 404
        assert "Location" not in response

    def test_a_single_use_file_is_sent_once_then_gone_from_the_bucket(
        self, s3_media, api_client
    ):
        # A personal-data export: no presigned URL (it would work again until it
        # expired); the portal streams it once and deletes it.
        creator = UserFactory()
        job = Job.objects.create(kind="export", creator=creator)

        def work(run):
            run.attach(
                name="export.zip",
                content=b"PK-zip",
                content_type="application/zip",
                single_use=True,
            )

        job_run(job_id=job.pk, work=work)
        job.refresh_from_db()
        assert s3_media.keys("jobs/") == [job.file.name]
        signed_in(api_client, creator)
        response = api_client.get(f"/api/v1/jobs/{job.pk}/download")
        assert response.status_code == 200
        # Reading it to the end closes it (as a server does when the response ends).
        assert b"".join(response.streaming_content) == b"PK-zip"
        assert s3_media.keys("jobs/") == []
        assert api_client.get(f"/api/v1/jobs/{job.pk}/download").status_code == 404

    def test_expired_files_are_deleted_from_the_bucket(self, s3_media):
        from datetime import timedelta

        from django.utils import timezone

        job = Job.objects.create(kind="report", creator=UserFactory())
        job.file.save("old.csv", ContentFile(b"x"), save=False)
        job.file_expires_at = timezone.now() - timedelta(minutes=1)
        job.save()
        assert len(s3_media.keys("jobs/")) == 1
        assert job_file_expire() == 1
        assert s3_media.keys("jobs/") == []


class TestAvatars:
    def test_avatar_url_is_presigned_and_the_object_private(self, s3_media, api_client):
        user = UserFactory()
        png = (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
            b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f"
            b"\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
        )
        user.profile.avatar.save("me.png", ContentFile(png))
        assert s3_media.keys("avatars/") == [user.profile.avatar.name]
        signed_in(api_client, user)
        url = api_client.get("/api/v1/users/me").json()["data"]["profile"]["avatar"]
        assert "X-Amz-Signature=" in url
        assert http_get(url)[0:3:2] == (200, png)
        assert http_get(url.split("?", 1)[0])[0] == 403


class TestStorageHelpers:
    def test_upload_list_download_and_delete_a_tree(self, s3_media, tmp_path):
        folder = tmp_path / "out"
        (folder / "360p").mkdir(parents=True)
        (folder / "master.m3u8").write_text("#EXTM3U\n")
        for n in range(12):
            (folder / "360p" / f"segment_{n:05d}.ts").write_bytes(bytes([n]) * 10)
        names = storage_upload_tree(default_storage, folder, "hls/1/abc")
        assert len(names) == 13
        assert s3_media.keys("hls/") == sorted(names)
        assert storage_folders(default_storage, "hls/1") == ["abc"]
        segment = "hls/1/abc/360p/segment_00003.ts"
        with local_file(default_storage, segment) as path:
            assert Path(path).read_bytes() == b"\x03" * 10
        assert not Path(path).exists()  # the download is removed
        storage_delete_tree(default_storage, "hls/1")
        assert s3_media.keys("hls/") == []

    def test_a_missing_object_is_file_not_found(self, s3_media):
        with pytest.raises(FileNotFoundError), local_file(default_storage, "nope"):
            pass

    def test_an_existing_name_is_never_overwritten(self, s3_media):
        first = default_storage.save("a/x.txt", ContentFile(b"1"))
        second = default_storage.save("a/x.txt", ContentFile(b"2"))
        assert first != second
        with default_storage.open(first) as handle:
            assert handle.read() == b"1"

    def test_the_whole_storage_is_never_deleted(self, s3_media):
        with pytest.raises(ValueError, match="whole storage"):
            storage_delete_tree(default_storage, "/")


SHOW_STORAGE = """
import json, django
django.setup()
from django.conf import settings
default = settings.STORAGES["default"]
print("RESULT " + json.dumps({"backend": default["BACKEND"],
    "options": default.get("OPTIONS", {})}))
"""


class TestSettings:
    def test_local_disk_is_the_default(self):
        completed = run_python(
            SHOW_STORAGE, DJANGO_SETTINGS_MODULE="portal.settings.dev"
        )
        assert completed.returncode == 0, completed.stderr
        result = result_of(completed.stdout)
        assert result["backend"] == "django.core.files.storage.FileSystemStorage"

    def test_s3_from_the_environment_private_and_presigned(self):
        completed = run_python(
            SHOW_STORAGE,
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME="media",
            AWS_S3_ENDPOINT_URL="http://127.0.0.1:8333",
            AWS_ACCESS_KEY_ID="key",
            AWS_SECRET_ACCESS_KEY="secret",
            AWS_S3_REGION_NAME="eu-west-1",
            AWS_LOCATION="portal",
        )
        assert completed.returncode == 0, completed.stderr
        result = result_of(completed.stdout)
        assert result["backend"] == "storages.backends.s3.S3Storage"
        options = result["options"]
        assert options["bucket_name"] == "media"
        assert options["endpoint_url"] == "http://127.0.0.1:8333"
        assert options["addressing_style"] == "path"
        assert options["location"] == "portal"
        assert options["default_acl"] is None
        assert options["querystring_auth"] is True
        assert options["file_overwrite"] is False

    @pytest.mark.parametrize(
        ("env", "message"),
        [
            ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
            ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be"),
        ],
    )
    def test_misconfiguration_refuses_to_start(self, env, message):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            **env,
        )
        assert completed.returncode != 0
        assert message in completed.stderr


class TestContentSecurityPolicy:
    def _policy(self, client) -> dict[str, list[str]]:
        header = client.get("/accounts/login/")["Content-Security-Policy"]
        return {
            part.split()[0]: part.split()[1:] for part in header.split("; ") if part
        }

    def test_pages_may_load_media_from_the_bucket(self, s3_media, client):
        policy = self._policy(client)
        origin = s3_media.server.endpoint_url
        for directive in ("img-src", "media-src", "connect-src"):
            assert origin in policy[directive], directive
        assert origin not in policy["script-src"]
        assert origin not in policy["default-src"]

    def test_local_media_adds_no_origin(self, client):
        assert self._policy(client)["connect-src"] == ["'self'"]

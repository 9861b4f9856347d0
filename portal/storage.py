"""Media through Django's storage API, whichever backend holds it.

The default storage is the local disk (``MEDIA_ROOT``) or, with ``MEDIA_STORAGE=s3``,
a private S3-compatible bucket through django-storages. Code that handles media
never opens ``MEDIA_ROOT`` itself: it saves, opens, lists and deletes by name
through the storage, and asks these helpers for what the storage API lacks:

- ``local_file``: a file on local disk for tools that need one (ffmpeg, ffprobe):
  the stored file itself on local storage, else a temporary download;
- ``storage_upload_tree`` / ``storage_delete_tree`` / ``storage_folders``: a folder
  of outputs (an HLS ladder) saved, removed or listed under a name prefix;
- ``presigned_url``: a short-lived URL of a private object, with the response
  headers the object is to be served with.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from django.core.files import File
from django.core.files.storage import Storage
from storages.utils import clean_name

COPY_CHUNK = 1024 * 1024
# Parallel uploads of one folder's files (an HLS ladder has hundreds of segments;
# each PUT waits on the network, not on this machine).
UPLOAD_THREADS = 8


def storage_is_local(storage: Storage) -> bool:
    """Whether the storage keeps files on this machine's disk (has paths)."""
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True


def storage_root(storage: Storage) -> Path:
    """The folder a local storage keeps its files in (resolved)."""
    return Path(storage.path("")).resolve()


@contextlib.contextmanager
def local_file(storage: Storage, name: str, *, suffix: str = "") -> Iterator[str]:
    """A path on local disk holding the stored file ``name``: the file's own path
    on local storage, else a temporary download removed on exit (streamed to disk,
    never held in memory). Raises ``FileNotFoundError`` when the object storage
    has no such file."""
    if storage_is_local(storage):
        yield storage.path(name)
        return
    fd, temp = tempfile.mkstemp(prefix="media-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            s3_object = _s3_object(storage, name)
            if s3_object is not None:
                try:
                    s3_object.download_fileobj(out)
                except ClientError as error:
                    if error.response.get("Error", {}).get("Code") in _MISSING:
                        raise FileNotFoundError(f"No stored file {name}") from None
                    raise
            else:
                with storage.open(name, "rb") as source:
                    shutil.copyfileobj(source, out, COPY_CHUNK)
        yield temp
    finally:
        Path(temp).unlink(missing_ok=True)


_MISSING = {"404", "NoSuchKey", "NotFound"}


def _s3_object(storage: Storage, name: str):
    """The boto3 object behind ``name`` on an S3 storage (None on others), for
    transfers the storage API would buffer in memory."""
    bucket = getattr(storage, "bucket", None)
    if bucket is None:
        return None
    # django-storages' own name-to-key mapping (the location prefix, ``..`` refused).
    return bucket.Object(storage._normalize_name(clean_name(name)))


def storage_upload_tree(storage: Storage, folder: Path, prefix: str) -> list[str]:
    """Save every file under ``folder`` to the storage as ``prefix/<relative
    path>`` (several at a time) and return the stored names. A name the storage
    changed (it was taken) is an error: the caller chose a fresh prefix."""
    sources = sorted(p for p in folder.rglob("*") if p.is_file())
    names = [f"{prefix}/{p.relative_to(folder).as_posix()}" for p in sources]

    def save(pair: tuple[Path, str]) -> str:
        path, name = pair
        with path.open("rb") as handle:
            stored = storage.save(name, File(handle, name=path.name))
        if stored != name:
            raise FileExistsError(name)
        return stored

    if len(names) <= 1:
        return [save(pair) for pair in zip(sources, names, strict=True)]
    with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
        return list(pool.map(save, zip(sources, names, strict=True)))


def storage_delete_tree(storage: Storage, prefix: str) -> None:
    """Delete every file stored under ``prefix`` (a folder name, no trailing
    slash). Missing folders are fine."""
    prefix = prefix.strip("/")
    if not prefix:
        raise ValueError("Refusing to delete the whole storage.")
    if storage_is_local(storage):
        shutil.rmtree(storage.path(prefix), ignore_errors=True)
        return
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        # S3: one batched DeleteObjects request per 1,000 keys.
        location = getattr(storage, "location", "").strip("/")
        key = f"{location}/{prefix}" if location else prefix
        bucket.objects.filter(Prefix=f"{key}/").delete()
        return
    folders, files = storage.listdir(prefix)
    for name in files:
        storage.delete(posixpath.join(prefix, name))
    for folder in folders:
        storage_delete_tree(storage, posixpath.join(prefix, folder))


def storage_folders(storage: Storage, prefix: str) -> list[str]:
    """The names of the folders directly under ``prefix`` (none if missing)."""
    try:
        folders, _files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    return sorted(folders)


def presigned_url(
    storage: Storage,
    name: str,
    *,
    expire: int,
    content_type: str | None = None,
    content_disposition: str | None = None,
    cache_control: str | None = None,
) -> str:
    """A URL of the private object ``name`` valid for ``expire`` seconds, which
    answers with the given ``Content-Type``, ``Content-Disposition`` and
    ``Cache-Control`` (S3's ``response-*`` overrides, part of the signature)."""
    parameters = {}
    if content_type:
        parameters["ResponseContentType"] = content_type
    if content_disposition:
        parameters["ResponseContentDisposition"] = content_disposition
    if cache_control:
        parameters["ResponseCacheControl"] = cache_control
    return storage.url(name, parameters=parameters, expire=expire)


_origins: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def storage_origin(storage: Storage) -> str | None:
    """The origin (``scheme://host[:port]``) browsers fetch this storage's files
    from when it is not this site (object storage), for the pages' Content
    Security Policy; None for local storage. Worked out once per storage from a
    URL it signs (no request is made)."""
    if storage not in _origins:
        origin = None
        if not storage_is_local(storage):
            parts = urlsplit(storage.url("origin"))
            if parts.scheme and parts.netloc:
                origin = f"{parts.scheme}://{parts.netloc}"
        _origins[storage] = origin
    return _origins[storage]

"""Answer a request for a protected file, after the caller checked access.

``stored_file_response`` takes a file by its storage and name. On object storage
(``MEDIA_STORAGE=s3``) the answer is a redirect to a presigned URL that expires
after ``MEDIA_REDIRECT_URL_TTL`` seconds and makes the bucket answer with this
response's ``Content-Type``, ``Content-Disposition`` and ``Cache-Control``. On
local storage it is ``protected_file_response``'s answer:

Behind Nginx (``MEDIA_ACCEL_REDIRECT``) the answer is an empty response whose
``X-Accel-Redirect`` names the file under the internal location
``MEDIA_ACCEL_PREFIX``; Nginx then sends the bytes itself (ranges included) and keeps
this response's ``Content-Type``, ``Content-Disposition`` and ``Cache-Control``.
Without Nginx (development, tests, the embedded default) Django streams the file,
with single byte ranges (``206``/``416``), ``ETag``/``Last-Modified`` and
conditional requests (``304``/``412``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from .storage import presigned_url, storage_is_local, storage_root

CHUNK_SIZE = 64 * 1024
INLINE = "inline"
ATTACHMENT = "attachment"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Control characters (C0, DEL, C1) and the characters that end or escape a quoted
# string; none belong in a header's file name.
_UNSAFE_IN_QUOTES = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FileStreamResponse(StreamingHttpResponse, HttpResponse):
    """A streamed file that is also an ``HttpResponse``: Wagtail's
    ``before_serve_document`` hook only passes on ``HttpResponse`` instances, and a
    ``FileResponse`` is not one. It behaves as a ``StreamingHttpResponse``."""

    content = property(
        StreamingHttpResponse.content.fget,
        lambda self, value: None,  # HttpResponse.__init__ sets b"": nothing to keep
    )


class FileRefused(Http404):
    """The path leaves MEDIA_ROOT, or is not a regular file: answered as 404."""


def protected_path(path: str | os.PathLike, *, root: Path | None = None) -> Path:
    """``path`` resolved (symlinks and ``..`` followed); ``FileRefused`` unless the
    result is a regular file inside ``root`` (default MEDIA_ROOT)."""
    root = (root or Path(settings.MEDIA_ROOT)).resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise FileRefused("File not found.")
    if not resolved.is_file():
        raise FileRefused("File not found.")
    return resolved


def content_disposition(disposition: str, filename: str | None) -> str:
    """A ``Content-Disposition`` value safe for any file name (RFC 6266, 5987): an
    ASCII ``filename`` without quotes, backslashes or control characters for old
    clients, and the real name percent-encoded in ``filename*``."""
    if disposition not in (INLINE, ATTACHMENT):
        raise ValueError(f"Unknown disposition {disposition!r}.")
    name = _CONTROL.sub("", filename or "").replace("/", "_").replace("\\", "_")
    name = name.strip().strip(".")
    if not name:
        return disposition
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    fallback = (_ascii(stem) or "download") + (dot + _ascii(extension)).rstrip(".")
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE_IN_QUOTES.sub("", text).strip()


def protected_file_response(
    request,
    path: str | os.PathLike,
    *,
    content_type: str,
    disposition: str = INLINE,
    filename: str | None = None,
    cache_control: str = "private, max-age=3600",
) -> HttpResponse:
    """The response that delivers the file at ``path`` (absolute, or relative to
    MEDIA_ROOT) to a client whose access was already checked.

    Raises ``FileRefused`` (a 404) for paths resolving outside MEDIA_ROOT (``..``,
    symlinks) and for missing files.
    """
    return _local_response(
        request,
        protected_path(path),
        accel=True,
        content_type=content_type,
        disposition=disposition,
        filename=filename,
        cache_control=cache_control,
    )


def stored_file_response(
    request,
    *,
    storage: Storage,
    name: str,
    content_type: str,
    disposition: str = INLINE,
    filename: str | None = None,
    cache_control: str = "private, max-age=3600",
    proxy: bool = False,
) -> HttpResponse:
    """The response that delivers the stored file ``name`` to a client whose access
    was already checked.

    Local storage: as ``protected_file_response`` (confined to the storage's folder;
    ``X-Accel-Redirect`` only for MEDIA_ROOT, which Nginx aliases). Object storage:
    a redirect to a presigned URL; with ``proxy`` the bytes are sent through Django
    instead (small files a browser must get from this origin, such as caption
    tracks a ``<track>`` element loads). Raises ``FileRefused`` (404) for names
    leaving the storage and for missing local files.
    """
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise FileRefused("File not found.")
    if storage_is_local(storage):
        root = storage_root(storage)
        return _local_response(
            request,
            protected_path(storage.path(name), root=root),
            accel=root == Path(settings.MEDIA_ROOT).resolve(),
            content_type=content_type,
            disposition=disposition,
            filename=filename,
            cache_control=cache_control,
        )
    header = content_disposition(disposition, filename)
    if proxy:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            raise FileRefused("File not found.") from None
        response = FileStreamResponse(_chunks(handle), content_type=content_type)
    else:
        return presigned_redirect(
            storage=storage,
            name=name,
            content_type=content_type,
            disposition=disposition,
            filename=filename,
            cache_control=cache_control,
        )
    response["Content-Disposition"] = header
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def presigned_redirect(
    *,
    storage: Storage,
    name: str,
    content_type: str,
    disposition: str = INLINE,
    filename: str | None = None,
    cache_control: str = "private, max-age=3600",
) -> HttpResponseRedirect:
    """A redirect to a presigned URL of ``name`` on object storage, valid for
    ``MEDIA_REDIRECT_URL_TTL`` seconds, answered by the bucket with these
    ``Content-Type``, ``Content-Disposition`` and ``Cache-Control`` headers. For
    callers that checked access."""
    response = HttpResponseRedirect(
        presigned_url(
            storage,
            name,
            expire=settings.MEDIA_REDIRECT_URL_TTL,
            content_type=content_type,
            content_disposition=content_disposition(disposition, filename),
            cache_control=cache_control,
        )
    )
    # The redirect names a URL that expires: never kept by a cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _chunks(handle):
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


def _local_response(
    request,
    resolved: Path,
    *,
    accel: bool,
    content_type: str,
    disposition: str,
    filename: str | None,
    cache_control: str,
) -> HttpResponse:
    header = content_disposition(disposition, filename)
    if accel and settings.MEDIA_ACCEL_REDIRECT:
        relative = resolved.relative_to(Path(settings.MEDIA_ROOT).resolve())
        response = HttpResponse(content_type=content_type)
        prefix = settings.MEDIA_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(relative.as_posix())}"
    else:
        response = _streamed(request, resolved, content_type)
    response["Content-Disposition"] = header
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _streamed(request, path: Path, content_type: str) -> HttpResponse:
    stat = path.stat()
    size = stat.st_size
    etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
    last_modified = int(stat.st_mtime)
    validators = {"ETag": etag, "Last-Modified": http_date(last_modified)}

    not_modified = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if not_modified is not None:
        for name, value in validators.items():
            not_modified[name] = value
        return not_modified

    byte_range = None
    if request.method in ("GET", "HEAD") and _if_range_holds(
        request, etag, last_modified
    ):
        byte_range = parse_range(request.headers.get("Range"), size)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
    elif byte_range is not None:
        start, end = byte_range
        response = FileStreamResponse(
            _read(path, start, end - start + 1),
            status=206,
            content_type=content_type,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileStreamResponse(_read(path, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    for name, value in validators.items():
        response[name] = value
    return response


def parse_range(header: str | None, size: int):
    """The one byte range ``header`` asks for, as inclusive ``(start, end)``;
    ``"unsatisfiable"`` when it lies past the end; ``None`` to send the whole file
    (no header, a malformed one, another unit, or several ranges)."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # syntactically invalid: ignored (RFC 9110 14.1.1)
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _if_range_holds(request, etag: str, last_modified: int) -> bool:
    """``If-Range`` absent, or naming the current version (strong ETag or exact
    date): only then is a ``Range`` honoured."""
    condition = request.headers.get("If-Range")
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        return condition == etag
    return parse_http_date_safe(condition) == last_modified


def _read(path: Path, start: int, length: int):
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_SIZE, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk

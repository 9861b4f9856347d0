"""The files of a backup: checksums and the media archive."""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

from .errors import BackupError

_CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_archive_write(*, root: Path, destination: Path) -> dict:
    """A tar of everything under ``root`` (uncompressed: videos, HLS segments and
    images do not compress), in a stable order; ``{"files", "bytes"}``. Files that
    disappear while it runs (a transcoder's temporary output) are left out."""
    files = size = 0
    with tarfile.open(destination, "w", format=tarfile.PAX_FORMAT) as tar:
        if not root.exists():
            return {"files": 0, "bytes": 0}
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            folder_path = Path(folder)
            relative = folder_path.relative_to(root)
            if relative != Path("."):
                tar.add(folder_path, arcname=str(relative), recursive=False)
            for name in sorted(names):
                path = folder_path / name
                try:
                    info = tar.gettarinfo(path, arcname=str(relative / name))
                    if info.isreg():
                        with path.open("rb") as content:
                            tar.addfile(info, content)
                        files += 1
                        size += info.size
                    else:
                        tar.addfile(info)
                except FileNotFoundError:
                    continue
    return {"files": files, "bytes": size}


def media_archive_extract(*, archive: Path, destination: Path) -> None:
    """Unpack ``archive`` into ``destination`` with tarfile's ``data`` filter:
    members with absolute paths, ``..``, links out of the folder or device files
    are refused, so a crafted archive cannot write outside it."""
    destination.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(destination, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(
            f"The media archive could not be unpacked: {error}"
        ) from error

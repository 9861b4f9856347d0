"""Anonymous catalog responses are cached under a version number
(``portal.shared_cache``); publishing, unpublishing or archiving a course bumps the
version, which retires every cached entry at once."""

from portal.shared_cache import SharedCache

CATALOG = SharedCache("content:catalog")


def catalog_cache_bump() -> None:
    CATALOG.bump()

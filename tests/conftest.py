import pytest
from django.conf import settings
from django.core.cache import caches


def pytest_collection_modifyitems(config, items):
    """``make test-sqlite`` runs the suite on the embedded default: there, tests that
    need PostgreSQL or a real worker (a separate process cannot see the test
    database) are skipped, with the reason."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (this run is on SQLite)")
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("worker"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with empty caches (real Redis in the suite), the ``state``
    one (throttles, denylists) included, and no user rows or checked token
    signatures kept by API requests."""
    from portal.accounts import request_users, tokens

    request_users.forget_all()
    tokens.checked_signatures.forget_all()
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def home_page(db):
    """The site root. Migrations create it, but a transactional test's flush empties
    every table, so tests that render pages ask for it through this fixture."""
    from wagtail.models import Locale, Page, Site

    from content.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code="en")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(
            instance=HomePage(title="Train for a career in cybersecurity", slug="home")
        )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


@pytest.fixture
def worker():
    """A real Celery worker on a queue of its own (see tests/worker.py)."""
    from tests.worker import real_worker

    with real_worker() as queue:
        yield queue


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, its requests counted (tests/browser.py,
    ``LiveServerRequests``) so that closing a browser waits for the posts its pages
    sent as they closed before the test database is flushed."""
    from tests.browser import live_requests

    httpd = live_server.thread.httpd
    httpd.set_app(live_requests.wrap(httpd.get_app()))
    return live_server


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module (see tests/browser.py)."""
    from tests.browser import headless_chromium

    with headless_chromium() as browser:
        yield browser


@pytest.fixture
def browser_page(chromium_browser, transactional_db):
    """A page in a fresh browser context (own cookies and storage) for each test.

    It asks for ``transactional_db`` so that the context closes before the test
    database is flushed, and closing it waits until the live server has answered
    what the pages posted as they closed (``browser_context``): a player still
    posting progress while the flush ran deadlocked the TRUNCATE."""
    from tests.browser import browser_context

    with browser_context(chromium_browser) as context:
        yield context.new_page()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (SeaweedFS) for the session (tests/s3.py)."""
    from tests.s3 import seaweedfs_server

    with seaweedfs_server() as server:
        yield server


@pytest.fixture
def s3_media(settings, s3_server, tmp_path):
    """Media on the S3 server, as ``MEDIA_STORAGE=s3`` configures it, under a key
    prefix of this test's own; MEDIA_ROOT points at a folder that does not exist,
    so that anything still written to local disk shows. ``s3_media.keys(prefix)``
    lists the test's objects (names relative to its prefix)."""
    import uuid
    from types import SimpleNamespace

    location = f"t-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "local-media"
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_server.storage_options(location=location),
        },
    }

    def keys(prefix: str = "") -> list[str]:
        return [
            key.removeprefix(f"{location}/")
            for key in s3_server.keys(f"{location}/{prefix}")
        ]

    yield SimpleNamespace(server=s3_server, location=location, keys=keys)
    assert not settings.MEDIA_ROOT.exists(), "media was written to local disk"

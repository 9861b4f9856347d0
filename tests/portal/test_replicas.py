"""Read replicas (portal/replicas.py): safe requests read from the replica, writers
read their own writes from the primary for a while, transactions never leave the
primary; and nothing changes without a replica.

The routing tests run the portal in processes of their own (gunicorn, or a
script) on two real PostgreSQL databases: the suite's test database as the
primary and a copy of it standing in for the replica. The copy is made once and
never replicated to, and each person's name differs between the two, so every
answer shows which database gave it.
"""

import contextlib
import socket
import subprocess
import sys
import time

import httpx
import psycopg
import pytest
from django.conf import settings
from django.db import connections
from rest_framework.test import APIClient

from portal.replicas import PRIMARY, REPLICA, ReplicaRouter, replica_reads
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.support import ROOT, clean_env, result_of, run_python

PIN_SECONDS = 3


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def _admin_connection():
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    )


@pytest.fixture
def databases(transactional_db):
    """Alice and Bob committed on the primary, each holding a bearer token; then a
    copy of the primary as the replica, where their first names end in
    ``-replica`` instead of ``-primary``. Yields ``(primary_url, replica_url,
    people)``."""
    people = {}
    for name in ("Alice", "Bob"):
        user = UserFactory(first_name=f"{name}-primary")
        token = signed_in(APIClient(), user)["token"]
        people[name] = (user, token)
    primary = connections["default"].settings_dict["NAME"]
    replica = f"{primary}_replica"
    connections.close_all()  # a template database must have no sessions
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{replica}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
    with psycopg.connect(_url(replica)) as conn:
        for name, (user, _token) in people.items():
            conn.execute(
                "UPDATE accounts_user SET first_name = %s WHERE id = %s",
                (f"{name}-replica", user.pk),
            )
    try:
        yield _url(primary), _url(replica), people
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{replica}" WITH (FORCE)')


def _env(primary_url: str, replica_url: str) -> dict:
    return clean_env(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=primary_url,
        DATABASE_REPLICA_URL=replica_url,
        REDIS_URL=settings.REDIS_URL,
        DATABASE_REPLICA_PIN_SECONDS=str(PIN_SECONDS),
        DATABASE_CONN_MAX_AGE="0",
    )


@contextlib.contextmanager
def _serving(env: dict):
    """The portal under gunicorn with ``env``: its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "portal.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/v1/courses", timeout=5)
                break
            except httpx.TransportError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    log = process.stderr.read().decode()[-3000:]
                    raise AssertionError(log) from error
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(databases):
    """The portal under gunicorn with the replica configured: its base URL."""
    primary_url, replica_url, people = databases
    with _serving(_env(primary_url, replica_url)) as base:
        yield base, people


def first_name(base: str, token: str, **cookies) -> str:
    """``GET /api/v1/users/me`` as a client keeping no cookies (unless given)."""
    response = httpx.get(
        f"{base}/api/v1/users/me",
        headers={"Authorization": f"Bearer {token}"},
        cookies=cookies,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["first_name"]


@pytest.mark.postgres
class TestRoutingOverRequests:
    def test_reads_use_the_replica_and_a_writer_reads_its_writes(self, server):
        base, people = server
        (_alice, alice), (_bob, bob) = people["Alice"], people["Bob"]
        # Safe requests read from the replica.
        assert first_name(base, alice) == "Alice-replica"
        assert first_name(base, bob) == "Bob-replica"

        changed = httpx.put(
            f"{base}/api/v1/users/me",
            json={"first_name": "Alice-changed"},
            headers={"Authorization": f"Bearer {alice}"},
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
        # The writer reads her write from the primary (the cache marker: this
        # client sends no cookie), and not only in the same connection.
        assert first_name(base, alice) == "Alice-changed"
        assert first_name(base, alice) == "Alice-changed"
        # Others still read from the replica.
        assert first_name(base, bob) == "Bob-replica"
        # The signed cookie pins whoever sends it (a browser has no token to
        # look up); a forged one pins nothing.
        cookie = changed.cookies["primary_reads"]
        assert first_name(base, bob, primary_reads=cookie) == "Bob-primary"
        assert first_name(base, bob, primary_reads="1:forged:sig") == "Bob-replica"

        time.sleep(PIN_SECONDS + 0.5)
        # The pin is over: back to the replica, which (never replicated to here)
        # still has the old name.
        assert first_name(base, alice) == "Alice-replica"

    def test_any_unsafe_request_pins_even_without_a_write(self, server):
        base, people = server
        _bob, bob = people["Bob"]
        refused = httpx.post(
            f"{base}/api/v1/auth/login",
            json={"email": "nobody@example.org", "password": "wrong-password-1"},
            timeout=10,
        )
        assert refused.status_code in (400, 401)
        cookie = refused.cookies["primary_reads"]
        assert first_name(base, bob, primary_reads=cookie) == "Bob-primary"


ROUTING_SCRIPT = """
import json, django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from portal.accounts.models import User
from portal.replicas import replica_reads

def name():
    return User.objects.get(pk=%(pk)d).first_name

session = SessionStore()
session["x"] = 1
session.create()  # on the primary only
out = {"outside": name()}
with replica_reads():
    out["scope"] = name()
    out["session"] = Session.objects.filter(pk=session.session_key).exists()
    with transaction.atomic():
        out["atomic"] = name()
        out["for_update"] = User.objects.select_for_update().get(pk=%(pk)d).first_name
with replica_reads():
    out["before_write"] = name()
    User.objects.filter(pk=%(pk)d).update(last_name="Written")
    out["after_write"] = name()
with replica_reads(pinned=True):
    out["pinned"] = name()
print("RESULT " + json.dumps(out))
"""


@pytest.mark.postgres
def test_an_unreachable_replica_is_read_around_not_an_outage(databases):
    """A replica that is down (nothing listens at its address) does not fail the
    safe requests routed to it: they read from the primary, without waiting for
    the connection retries the primary gets."""
    primary_url, _replica_url, people = databases
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    db = settings.DATABASES["default"]
    dead = f"postgres://{db['USER']}@127.0.0.1:{dead_port}/gone"
    env = _env(primary_url, dead) | {"DATABASE_REPLICA_RETRY_SECONDS": "1"}
    with _serving(env) as base:
        _alice, alice = people["Alice"]
        started = time.monotonic()
        for _ in range(3):
            assert first_name(base, alice) == "Alice-primary"
        courses = httpx.get(f"{base}/api/v1/courses", timeout=10)
        assert courses.status_code == 200, courses.text
        # Tried again after DATABASE_REPLICA_RETRY_SECONDS, still down: still
        # answered from the primary.
        time.sleep(1.2)
        assert first_name(base, alice) == "Alice-primary"
        assert time.monotonic() - started < 8


@pytest.mark.postgres
def test_transactions_locks_sessions_and_tasks_stay_on_the_primary(databases):
    primary_url, replica_url, people = databases
    alice, _token = people["Alice"]
    completed = run_python(
        ROUTING_SCRIPT % {"pk": alice.pk}, **_env(primary_url, replica_url)
    )
    assert completed.returncode == 0, completed.stderr
    assert result_of(completed.stdout) == {
        "outside": "Alice-primary",  # tasks, commands: no request, no replica
        "scope": "Alice-replica",
        "session": True,
        "atomic": "Alice-primary",
        "for_update": "Alice-primary",
        "before_write": "Alice-replica",
        "after_write": "Alice-primary",
        "pinned": "Alice-primary",
    }


class TestRouter:
    """The router's answers, without a database."""

    class Model:
        class _meta:
            app_label = "content"
            label = "content.VideoAsset"

    class SessionModel:
        class _meta:
            app_label = "sessions"
            label = "sessions.Session"

    def test_outside_a_scope_everything_is_primary(self):
        assert ReplicaRouter().db_for_read(self.Model) == PRIMARY

    def test_a_scope_reads_from_the_replica_until_it_writes(self):
        router = ReplicaRouter()
        with replica_reads() as scope:
            # Reachable (checking it needs a real replica: the gunicorn tests).
            scope.replica_ok = True
            assert router.db_for_read(self.Model) == REPLICA
            assert router.db_for_read(self.SessionModel) == PRIMARY
            assert router.db_for_write(self.Model) == PRIMARY
            assert scope.wrote
            assert router.db_for_read(self.Model) == PRIMARY
        with replica_reads(pinned=True):
            assert router.db_for_read(self.Model) == PRIMARY
        with replica_reads() as scope:
            scope.replica_ok = False  # could not be reached
            assert router.db_for_read(self.Model) == PRIMARY

    def test_the_replica_is_never_migrated(self):
        router = ReplicaRouter()
        assert router.allow_migrate(REPLICA, "content") is False
        assert router.allow_migrate(PRIMARY, "content") is None


@pytest.mark.django_db
class TestWithoutReplica:
    def test_no_router_and_no_pin_cookie(self, client):
        assert "replica" not in settings.DATABASES
        assert settings.DATABASE_ROUTERS == []
        response = client.post(
            "/api/v1/auth/login",
            {"email": "nobody@example.org", "password": "wrong-password-1"},
            content_type="application/json",
        )
        assert response.status_code in (400, 401)
        assert "primary_reads" not in response.cookies

    def test_settings_with_a_replica_mirror_it_in_the_suite(self):
        completed = run_python(
            "import json, django; django.setup()\n"
            "from django.conf import settings\n"
            "print('RESULT ' + json.dumps([settings.DATABASES['replica']['TEST'],"
            " settings.DATABASE_ROUTERS]))",
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL="postgres://u@db.example:5432/portal",
            DATABASE_REPLICA_URL="postgres://u@replica.example:5432/portal",
        )
        assert completed.returncode == 0, completed.stderr
        test, routers = result_of(completed.stdout)
        assert test["MIRROR"] == "default"
        assert routers == ["portal.replicas.ReplicaRouter"]

"""The PostgreSQL backend waits out a restart: connecting is retried while the
server refuses connections (portal/postgresql/base.py)."""

import contextlib
import socket
import threading
import time

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _LateProxy:
    """A TCP proxy to the test database that starts listening only after
    ``delay`` seconds: until then connections are refused, as during a restart."""

    def __init__(self, target: tuple[str, int], delay: float) -> None:
        self.port = _free_port()
        self.target = target
        self.delay = delay
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def _serve(self) -> None:
        time.sleep(self.delay)
        with socket.socket() as server:
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(("127.0.0.1", self.port))
            server.listen()
            server.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    client, _ = server.accept()
                except TimeoutError:
                    continue
                upstream = socket.create_connection(self.target)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(
                        target=self._pipe, args=(a, b), daemon=True
                    ).start()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(2)


def _wrapper_for(port: int):
    settings_dict = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": port}
    return connections[connection.alias].__class__(
        settings_dict, alias=connection.alias
    )


def test_a_connection_refused_for_a_moment_is_retried_until_the_server_is_back():
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    target = (host, int(connection.settings_dict.get("PORT") or 5432))
    with _LateProxy(target, delay=1.0) as proxy:
        wrapper = _wrapper_for(proxy.port)
        started = time.monotonic()
        try:
            wrapper.ensure_connection()
            with wrapper.cursor() as cursor:
                cursor.execute("select 1")
                assert cursor.fetchone() == (1,)
        finally:
            wrapper.close()
        assert time.monotonic() - started >= 0.9  # it waited for the server


def test_it_gives_up_after_the_budget(settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 1
    wrapper = _wrapper_for(_free_port())  # nothing will ever listen there
    started = time.monotonic()
    with pytest.raises(OperationalError):
        wrapper.ensure_connection()
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 5


def test_a_wrong_password_or_database_is_not_retried(settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 30
    settings_dict = {**connection.settings_dict, "NAME": "no_such_database_here"}
    wrapper = connections[connection.alias].__class__(
        settings_dict, alias=connection.alias
    )
    started = time.monotonic()
    with pytest.raises(OperationalError):
        wrapper.ensure_connection()
    assert time.monotonic() - started < 5


class TestHealthCheck:
    """A persistent connection is checked before each request's first query
    without a round trip; one the server ended is still found and replaced."""

    def _fresh(self):
        wrapper = connections[connection.alias].__class__(
            {**connection.settings_dict}, alias=connection.alias
        )
        wrapper.ensure_connection()
        return wrapper

    def test_a_healthy_idle_connection_is_usable_without_a_statement(self, monkeypatch):
        from django.db.backends.postgresql.base import DatabaseWrapper as Django

        wrapper = self._fresh()
        try:

            def no_round_trip(self):
                raise AssertionError("SELECT 1 sent to a healthy connection")

            monkeypatch.setattr(Django, "is_usable", no_round_trip)
            assert wrapper.is_usable() is True
        finally:
            wrapper.close()

    def test_a_connection_the_server_ended_is_not_usable_and_is_replaced(self):
        import psycopg

        wrapper = self._fresh()
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("select pg_backend_pid()")
                pid = cursor.fetchone()[0]
            params = wrapper.get_connection_params()
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute("select pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 5
            while wrapper.is_usable() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert wrapper.is_usable() is False
            # What Django does at a request's start with CONN_HEALTH_CHECKS:
            # the broken connection is closed and the next query reconnects.
            wrapper.health_check_done = False
            wrapper.close_if_health_check_failed()
            assert wrapper.connection is None
            with wrapper.cursor() as cursor:
                cursor.execute("select pg_backend_pid()")
                assert cursor.fetchone()[0] != pid
        finally:
            wrapper.close()

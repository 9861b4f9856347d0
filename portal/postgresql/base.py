"""Django's PostgreSQL backend with two changes: opening a connection is retried for
a few seconds when the server refuses it, and the health check of a persistent
connection costs no round trip.

A PostgreSQL restart (a minor upgrade, a configuration change, a failover) leaves the
server unreachable for a few seconds. Without this, every request in that window
fails (503 through ``portal.errors.outage_error``); with it, a request that needs a
new connection waits, with backoff, up to ``DATABASE_CONNECT_RETRY_SECONDS`` (default
10) and then proceeds: a restart under traffic is seen as slower answers, not errors.
Only connecting is retried, never a query, so nothing can be applied twice; a
persistent connection the restart broke is noticed before use by
``CONN_HEALTH_CHECKS`` and replaced through this same path. The drill
(``scripts/fault_drill.py``) restarts PostgreSQL under traffic to check it.

The health check (``is_usable``, before a request's first query on a persistent
connection) is Django's ``SELECT 1`` only when the idle connection's socket has
something to read: a server that goes away (a restart, ``pg_terminate_backend``, a
crash) sends its farewell or closes the socket, which makes it readable; a healthy
idle connection has nothing to read. So the usual request skips a round trip to the
database (and the statement's CPU on both sides); a broken connection is still
found and replaced before use.
"""

from __future__ import annotations

import logging
import select
import time

from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.utils import OperationalError
from psycopg.pq import TransactionStatus

logger = logging.getLogger(__name__)


class DatabaseWrapper(PostgresWrapper):
    def get_new_connection(self, conn_params):
        # Per alias (``CONNECT_RETRY_SECONDS``): a read replica is not waited for,
        # its reads go to the primary instead (portal/replicas.py).
        budget = self.settings_dict.get(
            "CONNECT_RETRY_SECONDS",
            getattr(settings, "DATABASE_CONNECT_RETRY_SECONDS", 10),
        )
        deadline = time.monotonic() + budget
        delay = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except Exception as error:  # psycopg's OperationalError, before wrapping
                if not _is_unreachable(error) or time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "database unreachable; retrying the connection",
                    extra={"retry_in_seconds": delay},
                )
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        idle = connection.info.transaction_status == TransactionStatus.IDLE
        # Something arrived while idle (the server's goodbye, or a closed socket),
        # or a transaction left open: let a real statement decide.
        return super().is_usable() if readable or not idle else True


def _is_unreachable(error: Exception) -> bool:
    """A refused or reset connection, or a server starting up or shutting down;
    not bad credentials or a missing database, which waiting does not fix."""
    import psycopg

    if not isinstance(error, psycopg.OperationalError | OperationalError):
        return False
    text = str(error).lower()
    return any(
        sign in text
        for sign in (
            "connection refused",
            "the database system is starting up",
            "the database system is shutting down",
            "the database system is in recovery mode",
            "server closed the connection",
            "connection reset",
            "could not connect",
            "timeout expired",
        )
    )

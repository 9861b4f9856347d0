"""What a backup does with each database engine: PostgreSQL and SQLite.

PostgreSQL: ``pg_dump -Fc`` of a snapshot exported by a REPEATABLE READ
transaction, in which the row counts and migrations are read too, so the manifest
describes exactly what the dump holds; ``pg_restore --single-transaction`` restores
all of it or nothing. The client tools must be at least the server's major version
(``pg_tool``).

SQLite: the online backup API copies a consistent database while others write; the
copy is then counted. Restoring places the verified copy where the target is.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

from .errors import BackupError

POSTGRESQL = "postgresql"
SQLITE = "sqlite"

_ENGINES = {
    "portal.postgresql": POSTGRESQL,
    "django.db.backends.postgresql": POSTGRESQL,
    "django.db.backends.sqlite3": SQLITE,
}
# Options of Django's PostgreSQL backend that are not libpq connection parameters.
_DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "cursor_factory",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}
_LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",  # nosec B105 - a variable's name, not a password
    "NAME": "PGDATABASE",
}
_LIBPQ_OPTION_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}
# User relations, leaving out those an extension owns (pg_stat_statements' views).
_USER_RELATIONS = """
    SELECT n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = ANY(%s)
      AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%%'
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.deptype = 'e')
    ORDER BY 1, 2
"""
_TABLES = ["r", "p"]
_ANY_RELATION = ["r", "p", "v", "m", "S", "f"]


@dataclass
class Dump:
    """What a database dump holds: the row count of every table and the applied
    migrations (``{app: [name, ...]}``), read from the same snapshot."""

    engine: str
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: str
    tool: str = ""
    tool_major: int = 0


def engine_of(database: dict) -> str:
    """``POSTGRESQL`` or ``SQLITE`` for a Django database settings dict."""
    engine = _ENGINES.get(database.get("ENGINE", ""))
    if engine is None:
        raise BackupError(
            f"Backups support PostgreSQL and SQLite, not {database.get('ENGINE')}."
        )
    return engine


# --- PostgreSQL ---------------------------------------------------------------------


def _connect(database: dict) -> psycopg.Connection:
    params = {
        key: value
        for key, value in (database.get("OPTIONS") or {}).items()
        if key not in _DJANGO_ONLY_OPTIONS
    }
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if database.get(key):
            params[param] = str(database[key])
    if database.get("PASSWORD"):
        params["password"] = database["PASSWORD"]
    params.setdefault("connect_timeout", 10)
    try:
        return psycopg.connect(dbname=database["NAME"], autocommit=True, **params)
    except psycopg.Error as error:
        raise BackupError(
            f"Cannot connect to the database {database['NAME']!r}: {error}"
        ) from error


def _libpq_environment(database: dict) -> dict[str, str]:
    """The environment of pg_dump/pg_restore: the password travels here, never on
    the command line (where ``ps`` shows it)."""
    environment = dict(os.environ)
    for key, variable in _LIBPQ_ENVIRONMENT.items():
        if database.get(key):
            environment[variable] = str(database[key])
    options = database.get("OPTIONS") or {}
    for option, variable in _LIBPQ_OPTION_ENVIRONMENT.items():
        if option in options:
            environment[variable] = str(options[option])
    return environment


def _major(version_output: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)*", version_output)
    return int(found.group(1)) if found else 0


def pg_tool(name: str, *, at_least: int) -> tuple[str, str, int]:
    """``(path, version text, major)`` of the PostgreSQL client tool ``name``
    (``pg_dump``, ``pg_restore``) of at least major version ``at_least``:
    ``BACKUP_PG_BIN_DIR`` when set, else Debian's ``/usr/lib/postgresql/<n>/bin``
    for the server's major, else the one on PATH."""
    if settings.BACKUP_PG_BIN_DIR:
        candidates = [Path(settings.BACKUP_PG_BIN_DIR) / name]
    else:
        candidates = [Path(f"/usr/lib/postgresql/{at_least}/bin/{name}")]
        on_path = shutil.which(name)
        if on_path:
            candidates.append(Path(on_path))
    found = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        # A file of the configured or standard folder, fixed arguments.
        version = subprocess.run(  # noqa: S603  # nosec B603
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        major = _major(version)
        if major >= at_least:
            return str(candidate), version, major
        found.append(version or str(candidate))
    raise BackupError(
        f"{name} of PostgreSQL {at_least} or newer is needed"
        + (f" (found {', '.join(found)})" if found else " (none found)")
        + f": install postgresql-client-{at_least} (scripts/ensure_services.sh does)"
        " or point BACKUP_PG_BIN_DIR at its folder."
    )


def _relations(connection: psycopg.Connection, kinds: list[str]) -> list[tuple]:
    return connection.execute(_USER_RELATIONS, [kinds]).fetchall()


def _table_key(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _postgres_counts(connection: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for schema, table in _relations(connection, _TABLES):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        counts[_table_key(schema, table)] = connection.execute(query).fetchone()[0]
    return counts


def _postgres_migrations(connection: psycopg.Connection, tables) -> dict:
    if "django_migrations" not in tables:
        return {}
    migrations: dict[str, list[str]] = {}
    rows = connection.execute("SELECT app, name FROM django_migrations ORDER BY 1, 2")
    for app, name in rows:
        migrations.setdefault(app, []).append(name)
    return migrations


def _server_major(connection: psycopg.Connection) -> int:
    return connection.info.server_version // 10000


def _run(command: list[str], *, environment: dict, what: str) -> None:
    # A PostgreSQL tool found by pg_tool with arguments built here, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def postgres_dump(*, database: dict, destination: Path) -> Dump:
    """``pg_dump -Fc`` of ``database`` into ``destination``, with the row counts and
    migrations of the very snapshot it dumped."""
    with _connect(database) as connection:
        server_major = _server_major(connection)
        tool, version, major = pg_tool("pg_dump", at_least=server_major)
        with connection.transaction():
            connection.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            )
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _run(
                [
                    tool,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={destination}",
                ],
                environment=_libpq_environment(database),
                what="pg_dump",
            )
            tables = _postgres_counts(connection)
            migrations = _postgres_migrations(connection, tables)
        return Dump(
            engine=POSTGRESQL,
            tables=tables,
            migrations=migrations,
            server_version=connection.info.parameter_status("server_version") or "",
            tool=version,
            tool_major=major,
        )


def postgres_is_fresh(*, database: dict) -> bool:
    """Whether ``database`` holds no table, view or sequence of its own (extensions'
    own objects do not count)."""
    with _connect(database) as connection:
        return not _relations(connection, _ANY_RELATION)


def postgres_restore(*, database: dict, archive: Path, dumped_by_major: int) -> None:
    """``pg_restore`` ``archive`` into ``database`` in one transaction: all or
    nothing. Owners and grants of the source are not restored (the target's user
    owns everything)."""
    with _connect(database) as connection:
        server_major = _server_major(connection)
    tool, _, _ = pg_tool("pg_restore", at_least=max(server_major, dumped_by_major))
    _run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={database['NAME']}",
            str(archive),
        ],
        environment=_libpq_environment(database),
        what="pg_restore",
    )


def postgres_counts(*, database: dict) -> dict[str, int]:
    with _connect(database) as connection:
        return _postgres_counts(connection)


# --- SQLite -----------------------------------------------------------------------


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    return {
        table: connection.execute(
            # A table name SQLite itself listed, quoted as an identifier.
            f"SELECT count(*) FROM {_quoted(table)}"  # noqa: S608  # nosec B608
        ).fetchone()[0]
        for table in tables
    }


def sqlite_dump(*, alias: str, destination: Path) -> Dump:
    """A consistent copy of the SQLite database ``alias`` through SQLite's online
    backup API (writers may go on meanwhile), then counted."""
    connection = connections[alias]
    if connection.in_atomic_block:
        # SQLite's backup waits forever for a source its own connection is writing.
        raise BackupError("Back up SQLite outside a transaction.")
    connection.ensure_connection()
    copy = sqlite3.connect(destination)
    try:
        connection.connection.backup(copy)
        tables = _sqlite_counts(copy)
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in tables:
            for app, name in copy.execute(
                "SELECT app, name FROM django_migrations ORDER BY 1, 2"
            ):
                migrations.setdefault(app, []).append(name)
        version = copy.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        copy.close()
    return Dump(
        engine=SQLITE, tables=tables, migrations=migrations, server_version=version
    )


def _sqlite_path(database: dict) -> Path:
    name = str(database["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        raise BackupError("Restore into a SQLite file, not an in-memory database.")
    return Path(name)


def sqlite_is_fresh(*, database: dict) -> bool:
    path = _sqlite_path(database)
    if not path.exists() or path.stat().st_size == 0:
        return True
    connection = sqlite3.connect(path)
    try:
        return not _sqlite_counts(connection)
    finally:
        connection.close()


def sqlite_restore(*, database: dict, archive: Path) -> None:
    """Put the verified copy in place (written beside it, then renamed)."""
    path = _sqlite_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(archive, partial)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, path)


def sqlite_counts(*, database: dict) -> dict[str, int]:
    connection = sqlite3.connect(_sqlite_path(database))
    try:
        return _sqlite_counts(connection)
    finally:
        connection.close()

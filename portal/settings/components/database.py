"""The database: a SQLite file under var/ by default (the embedded default),
``DATABASE_URL`` in production and tests."""

from . import BASE_DIR, env

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, retrying a refused connection for a few seconds so that a
    # database restart is waited out (portal/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
    # Fail fast instead of hanging a worker when the database is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("timeout", 20)
    # Concurrent requests on the embedded default: writers take the lock when their
    # transaction begins (no lock-upgrade deadlocks), readers never wait for them.
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
# How long opening a connection is retried while PostgreSQL refuses it (a restart).
DATABASE_CONNECT_RETRY_SECONDS = env.int("DATABASE_CONNECT_RETRY_SECONDS", default=10)

"""The database: a SQLite file under var/ by default (the embedded default),
``DATABASE_URL`` in production and tests; optionally a read replica
(``DATABASE_REPLICA_URL``) that ``portal.replicas`` sends safe requests' reads to."""

from . import BASE_DIR, env

(BASE_DIR / "var").mkdir(exist_ok=True)


def _database(config: dict) -> dict:
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, retrying a refused connection for a few seconds so that
        # a database restart is waited out (portal/postgresql/base.py).
        config["ENGINE"] = "portal.postgresql"
        # Fail fast instead of hanging a worker when the database is unreachable.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        sqlite_options = config.setdefault("OPTIONS", {})
        sqlite_options.setdefault("timeout", 20)
        # Concurrent requests on the embedded default: writers take the lock when
        # their transaction begins (no lock-upgrade deadlocks), readers never wait.
        sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
        sqlite_options.setdefault(
            "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )
    return config


DATABASES = {
    "default": _database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
    )
}
# A streaming replica of the primary (PostgreSQL hot standby). Set: reads of safe
# requests go there, except for a user who wrote in the last
# DATABASE_REPLICA_PIN_SECONDS, inside transactions and for sessions
# (portal/replicas.py). Unset (the default): everything uses the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database(env.db("DATABASE_REPLICA_URL"))
    # A replica that cannot be reached is not waited for: its reads go to the
    # primary for DATABASE_REPLICA_RETRY_SECONDS, then it is tried again.
    DATABASES["replica"]["CONNECT_RETRY_SECONDS"] = 0
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_REPLICA_CONNECT_TIMEOUT", default=2
    )
    DATABASE_ROUTERS = ["portal.replicas.ReplicaRouter"]
# How long after a write the writer's reads stay on the primary: longer than the
# replica's usual lag (watch pg_stat_replication's replay_lag).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
# How long reads stay on the primary after the replica could not be reached.
DATABASE_REPLICA_RETRY_SECONDS = env.int("DATABASE_REPLICA_RETRY_SECONDS", default=15)
# How long opening a connection is retried while PostgreSQL refuses it (a restart).
DATABASE_CONNECT_RETRY_SECONDS = env.int("DATABASE_CONNECT_RETRY_SECONDS", default=10)

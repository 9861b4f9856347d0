"""Backups beyond the drill: SQLite's copy (the embedded default), another Django
storage (as S3 would be), retention, and the client-version guard."""

import hashlib
import json
import math
import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal.backups.engines import pg_tool
from portal.backups.errors import BackupError
from portal.backups.selectors import backup_list
from portal.backups.services import (
    backup_create,
    backup_restore,
    backup_verify,
    backups_prune,
    retention_keep,
)
from portal.backups.storage import MANIFEST, backup_name, backup_storage
from tests.portal.factories import UserFactory

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite lane's own backup path"
)


@on_sqlite
@pytest.mark.django_db(transaction=True)
class TestSqlite:
    def test_a_copy_restores_row_for_row(self, backup_dirs):
        users = UserFactory.create_batch(3)
        (backup_dirs / "media" / "documents").mkdir()
        (backup_dirs / "media" / "documents" / "a.pdf").write_bytes(b"%PDF a")

        manifest = backup_create()
        target = backup_dirs / "restored.sqlite3"
        result = backup_restore(
            backup=manifest["name"],
            database_url=f"sqlite:///{target}",
            media_root=backup_dirs / "restored-media",
        )

        assert result["rows"] == sum(manifest["database"]["tables"].values())
        copy = sqlite3.connect(target)
        try:
            emails = sorted(
                row[0] for row in copy.execute("SELECT email FROM accounts_user")
            )
            tables = {
                row[0]
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                )
            }
        finally:
            copy.close()
        assert emails == sorted(user.email for user in users)
        assert set(connection.introspection.table_names()) <= tables
        assert (
            backup_dirs / "restored-media" / "documents" / "a.pdf"
        ).read_bytes() == (b"%PDF a")


@on_sqlite
@pytest.mark.django_db
def test_sqlite_inside_a_transaction_is_refused_not_hung(backup_dirs):
    with pytest.raises(BackupError, match="outside a transaction"):
        backup_create()


# Transactional: SQLite's backup reads what is committed.
@pytest.mark.django_db(transaction=True)
class TestOtherStorage:
    """``STORAGES["backups"]`` (S3 in production): everything goes through the
    storage API, nothing assumes a local path."""

    @pytest.fixture
    def memory_storage(self, backup_dirs, settings):
        settings.STORAGES = {
            **settings.STORAGES,
            "backups": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        }
        from django.core.files.storage import storages

        storages._storages.pop("backups", None)
        yield
        storages._storages.pop("backups", None)

    def test_backup_is_stored_listed_and_verified_by_name(self, memory_storage):
        UserFactory()
        manifest = backup_create()

        storage = backup_storage()
        assert storage.__class__.__name__ == "InMemoryStorage"
        assert [entry.name for entry in backup_list()] == [manifest["name"]]
        with storage.open(f"{manifest['name']}/{MANIFEST}") as stored:
            assert json.loads(stored.read()) == manifest
        assert backup_verify(backup=manifest["name"])["name"] == manifest["name"]

    def test_an_altered_stored_file_fails_verification(self, memory_storage):
        manifest = backup_create()
        storage = backup_storage()
        media = f"{manifest['name']}/media.tar"
        storage.delete(media)
        storage.save(media, ContentFile(b"not the archive"))

        with pytest.raises(BackupError, match=r"Checksum mismatch for media\.tar"):
            backup_verify(backup=manifest["name"])


def at(day: int, hour: int = 2, minute: int = 30) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class TestRetention:
    def test_newest_of_each_of_the_last_days_and_weeks(self):
        backups = [(f"d{day}", at(day)) for day in range(1, 31)]
        backups.append(("d30-late", at(30, 14)))

        keep = retention_keep(backups=backups, keep_daily=7, keep_weekly=4)

        # Days: Nov 30 (the later one), 29 ... 24. ISO weeks 49, 48, 47, 46: the
        # newest of each is Nov 30 (late), 29, 22 and 15.
        assert keep == {
            "d30-late",
            *(f"d{day}" for day in (29, 28, 27, 26, 25, 24)),
            "d22",
            "d15",
        }

    def test_the_newest_is_kept_whatever_the_settings(self):
        assert retention_keep(
            backups=[("old", at(1)), ("new", at(2))], keep_daily=0, keep_weekly=0
        ) == {"new"}
        assert retention_keep(backups=[], keep_daily=7, keep_weekly=4) == set()

    def test_prune_deletes_old_and_unfinished_backups_in_the_storage(self, backup_dirs):
        root = backup_dirs / "backups"
        names = {day: backup_name(at(day)) for day in range(1, 31)}
        for name in names.values():
            (root / name).mkdir(parents=True)
            (root / name / "database.dump").write_bytes(b"x")
            (root / name / MANIFEST).write_text("{}")
        unfinished_old = root / "backup-20261001T023000Z"
        unfinished_old.mkdir()
        running = root / backup_name(timezone.now())
        running.mkdir()
        stale = root / ".staging-dead"
        stale.mkdir()
        old = (timezone.now() - timedelta(days=2)).timestamp()
        os.utime(stale, (old, old))
        (root / "notes.txt").write_text("not a backup")

        deleted = backups_prune(keep_daily=2, keep_weekly=3)

        # Days: Nov 30, 29; ISO weeks 49, 48, 47: Nov 30, 29 and 22.
        kept = {names[day] for day in (30, 29, 22)}
        assert set(deleted) == (set(names.values()) - kept) | {unfinished_old.name}
        left = {path.name for path in root.iterdir()}
        assert left == kept | {running.name, "notes.txt"}


class TestClientVersion:
    def fake_tool(self, folder, version: str):
        tool = folder / "pg_dump"
        tool.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n")
        tool.chmod(0o755)
        return tool

    def test_an_older_pg_dump_than_the_server_is_refused(self, settings, tmp_path):
        self.fake_tool(tmp_path, "9.6.24")
        settings.BACKUP_PG_BIN_DIR = str(tmp_path)

        with pytest.raises(BackupError) as refused:
            pg_tool("pg_dump", at_least=16)
        assert "9.6.24" in refused.value.message
        assert "postgresql-client-16" in refused.value.message

    def test_a_new_enough_one_is_used(self, settings, tmp_path):
        tool = self.fake_tool(tmp_path, "16.4")
        settings.BACKUP_PG_BIN_DIR = str(tmp_path)

        assert pg_tool("pg_dump", at_least=15) == (
            str(tool),
            "pg_dump (PostgreSQL) 16.4",
            16,
        )


@pytest.mark.django_db(transaction=True)
def test_backup_list_command(backup_dirs, capsys):
    call_command("backup")
    call_command("backup", "--list")
    out = capsys.readouterr().out
    (name,) = (path.name for path in (backup_dirs / "backups").glob("backup-*"))
    assert f"{name}  0.0 h old" in out
    digest = hashlib.sha256((backup_dirs / "backups" / name / "media.tar").read_bytes())
    assert digest.hexdigest() in out


@pytest.mark.django_db(transaction=True)
def test_backup_age_and_space_on_metrics(backup_dirs, client, settings):
    from portal.metrics.registry import scrape_registry
    from tests.portal.metrics.conftest import TOKEN, parse, value

    settings.METRICS_TOKEN = TOKEN
    scrape_registry.cache_clear()

    def scrape() -> dict:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        return parse(response.content.decode())

    none_yet = scrape()
    assert math.isinf(value(none_yet, "portal_backup_age_seconds"))
    assert value(none_yet, "portal_backup_last_success_timestamp_seconds") == 0
    assert value(none_yet, "portal_disk_free_bytes", volume="backups") > 0

    manifest = backup_create()
    after = scrape()
    assert 0 <= value(after, "portal_backup_age_seconds") < 120
    assert value(after, "portal_backup_size_bytes") == sum(
        artifact["bytes"] for artifact in manifest["artifacts"].values()
    )
    scrape_registry.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_backs_up_then_prunes(backup_dirs, settings):
    from portal.backups.tasks import nightly_backup

    settings.BACKUP_KEEP_DAILY = 1
    settings.BACKUP_KEEP_WEEKLY = 1
    old = backup_dirs / "backups" / backup_name(at(1))
    old.mkdir(parents=True)
    (old / MANIFEST).write_text("{}")

    name = nightly_backup.delay().get(timeout=60)

    assert [entry.name for entry in backup_list()] == [name]
    beat = settings.CELERY_BEAT_SCHEDULE["nightly-backup"]
    assert beat["task"] == nightly_backup.name

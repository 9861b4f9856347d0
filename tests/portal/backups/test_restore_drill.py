"""The restore drill: a populated database and media folder are backed up with
``manage.py backup``, restored with ``manage.py restore`` into a fresh database and
an empty folder, and every table (rows and their checksum, sequences) and every file
is compared with the original. A damaged backup restores nothing."""

import hashlib
import json
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from psycopg import sql

from content.media import VideoAsset, VideoStatus
from content.models import ModulePage
from content.services import course_create, course_publish, module_create
from learning.models import Certificate, Enrollment, ModuleProgress
from learning.services import enrollment_create, module_progress_record
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.backups.storage import MANIFEST
from tests.portal.factories import UserFactory
from tests.support import run_manage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server(dbname: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    """An empty database beside the test database (``<name>_restore_drill``),
    dropped afterwards."""
    name = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    name = f"{name}_restore_drill"
    with _server() as server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _server() as server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def populate(media_root: Path) -> dict:
    """Users in each role, two published courses with modules, enrollments, progress,
    a completed course with its certificate PDF, a course image, a document and a
    video's files."""
    from wagtail.documents.models import Document
    from wagtail_factories import ImageFactory

    admin = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=admin)
    instructor = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=instructor)
    learners = [UserFactory(first_name=f"Łéarner{i}") for i in range(4)]
    courses = []
    for title in ("Network Defense", "Incident Response"):
        course = course_create(
            actor=instructor,
            data={
                "title": title,
                "description": "Defend networks.",
                "category": "Networking",
                "difficulty_level": "beginner",
                "estimated_duration": 60,
                "price": "0",
            },
        )
        for index in range(3):
            module_create(
                actor=instructor,
                course=course,
                data={"title": f"Module {index}", "kind": "text", "duration": 10},
            )
        courses.append(course_publish(actor=admin, course=course))
    for learner in learners:
        for course in courses:
            enrollment_create(actor=learner, course_id=course.pk)
    first = ModulePage.objects.child_of(courses[1]).live().first()
    module_progress_record(
        actor=learners[1], course_id=courses[1].pk, module_id=first.pk, completed=True
    )
    for module in ModulePage.objects.child_of(courses[0]).live():
        module_progress_record(
            actor=learners[0],
            course_id=courses[0].pk,
            module_id=module.pk,
            completed=True,
        )
    image = ImageFactory(title="Thumbnail")
    document = Document(title="Syllabus")
    document.file.save("syllabus.pdf", ContentFile(b"%PDF-1.4 syllabus"), save=True)
    video = VideoAsset(title="Intro", owner=instructor, status=VideoStatus.UPLOADED)
    video.original.save("clip.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=True)
    hls = media_root / "hls" / str(video.pk) / "run1" / "720p"
    hls.mkdir(parents=True)
    (hls / "index.m3u8").write_text("#EXTM3U\n")
    (hls / "segment_00000.ts").write_bytes(bytes(range(256)) * 64)
    return {"image": image, "document": document, "video": video}


def table_fingerprints(dbname: str) -> dict[str, tuple[int, str]]:
    """``{table: (rows, md5 of its rows as text, ordered)}`` of every table of
    ``dbname`` in the public schema, read independently of the code under test."""
    with _server(dbname) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        fingerprints = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                "ORDER BY t::text), '')) FROM {} t"
            ).format(sql.Identifier(table))
            fingerprints[table] = tuple(connection.execute(query).fetchone())
        return fingerprints


def sequence_values(dbname: str) -> dict[str, tuple]:
    with _server(dbname) as connection:
        return {
            name: (last_value, is_called)
            for name, last_value, is_called in connection.execute(
                "SELECT sequencename, last_value, last_value IS NOT NULL "
                "FROM pg_sequences WHERE schemaname = 'public'"
            )
        }


def file_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def newest_backup(backup_dirs: Path) -> Path:
    (folder,) = sorted((backup_dirs / "backups").glob("backup-*"))
    return folder


class TestRestoreDrill:
    def test_everything_comes_back_identical(
        self, backup_dirs, fresh_database, home_page
    ):
        media = settings.MEDIA_ROOT
        populate(media)
        assert Certificate.objects.get().pdf  # the PDF is among the media files
        assert Enrollment.objects.count() == 8
        assert ModuleProgress.objects.count() == 4
        source = settings.DATABASES["default"]["NAME"]

        call_command("backup")
        folder = newest_backup(backup_dirs)
        manifest = json.loads((folder / MANIFEST).read_text())
        target_media = backup_dirs / "restored-media"
        call_command(
            "restore",
            folder.name,
            "--database-url",
            _url(fresh_database),
            "--media-root",
            str(target_media),
        )

        original = table_fingerprints(source)
        restored = table_fingerprints(fresh_database)
        assert len(original) > 100  # every app's tables, not a handful
        assert restored == original
        assert sequence_values(fresh_database) == sequence_values(source)
        assert {table: rows for table, (rows, _) in original.items()} == manifest[
            "database"
        ]["tables"]
        files = file_checksums(media)
        assert len(files) >= 6  # image, document, video, HLS, certificate PDF
        assert file_checksums(target_media) == files
        assert not list(target_media.glob(".restoring-*"))
        # The restored database is complete for this release: nothing to migrate.
        check = run_manage(
            "migrate",
            "--check",
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=_url(fresh_database),
            REDIS_URL=settings.REDIS_URL,
        )
        assert check.returncode == 0, check.stdout + check.stderr

    def test_a_damaged_backup_restores_nothing(
        self, backup_dirs, fresh_database, home_page
    ):
        populate(settings.MEDIA_ROOT)
        call_command("backup")
        folder = newest_backup(backup_dirs)
        dump = folder / "database.dump"
        content = bytearray(dump.read_bytes())
        content[len(content) // 2] ^= 0xFF
        dump.write_bytes(bytes(content))
        target_media = backup_dirs / "restored-media"

        with pytest.raises(CommandError, match=r"Checksum mismatch for database\.dump"):
            call_command(
                "restore",
                folder.name,
                "--database-url",
                _url(fresh_database),
                "--media-root",
                str(target_media),
            )
        assert table_fingerprints(fresh_database) == {}
        assert not target_media.exists()

    def test_a_database_in_use_is_refused(self, backup_dirs, fresh_database):
        UserFactory()
        call_command("backup")
        folder = newest_backup(backup_dirs)
        call_command(
            "restore",
            folder.name,
            "--database-url",
            _url(fresh_database),
            "--media-root",
            str(backup_dirs / "one"),
        )
        before = table_fingerprints(fresh_database)

        with pytest.raises(CommandError, match="is not empty"):
            call_command(
                "restore",
                folder.name,
                "--database-url",
                _url(fresh_database),
                "--media-root",
                str(backup_dirs / "two"),
            )
        assert table_fingerprints(fresh_database) == before
        assert not (backup_dirs / "two").exists()

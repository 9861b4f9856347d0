"""Backups and restores of the database and the uploaded media.

A backup is a folder ``backup-<UTC time>`` in the backup storage with three files:
the database (PostgreSQL: ``pg_dump -Fc`` of one exported snapshot; SQLite: a copy
through SQLite's online backup API), a tar of MEDIA_ROOT, and ``manifest.json``
(written last, so a folder without one is an unfinished backup) holding each file's
SHA-256, the row count of every table in that same snapshot, the applied
migrations and the versions that made it. ``restore`` checks every checksum before
it touches anything, restores into a fresh database and an empty media folder, then
compares the row counts with the manifest.

The storage is ``STORAGES["backups"]`` when configured (S3 through django-storages),
else the folder ``BACKUP_DIR``.
"""

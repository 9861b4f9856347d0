"""Demo catalog for ``make run``: cybersecurity courses written by the demo
instructor and approved by the demo admin, through the same services as the API
(revisions, the review workflow, publishing, archival).

Idempotent: a course whose slug is already in the catalog is left as it is.

The catalog is data (``specs``, ``foundations``, ``specialist``, gathered in
``catalog``); ``seed`` holds the seeder that ``seed_demo`` runs (registered in
``content/wagtail_hooks.py``); ``video`` makes the clip the video modules show.
"""

from .catalog import COURSES
from .seed import ADMIN_EMAIL, INSTRUCTOR_EMAIL, seed_courses
from .specs import ARCHIVED, IN_REVIEW, PUBLISHED, Course, Module
from .video import DEMO_VIDEO_TITLE

__all__ = [
    "ADMIN_EMAIL",
    "ARCHIVED",
    "COURSES",
    "DEMO_VIDEO_TITLE",
    "INSTRUCTOR_EMAIL",
    "IN_REVIEW",
    "PUBLISHED",
    "Course",
    "Module",
    "seed_courses",
]

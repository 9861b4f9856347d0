"""Demo catalog for ``make run``: cybersecurity courses written by the demo
instructor and approved by the demo admin, through the same services as the API
(revisions, the review workflow, publishing, archival).

Idempotent: a course whose slug is already in the catalog is left as it is.

The catalog is data (``specs``, ``foundations``, ``specialist``, gathered in
``catalog``); ``seed`` holds the seeder that ``seed_demo`` runs (registered in
``content/wagtail_hooks.py``); ``video`` makes the clip the video modules show.
"""

from .catalog import COURSES
from .video import DEMO_VIDEO_TITLE

__all__ = ["COURSES", "DEMO_VIDEO_TITLE"]

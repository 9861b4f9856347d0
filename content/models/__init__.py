"""Wagtail pages: the site root, the course catalog, courses and their modules.

Pages hold content and presentation, never learner state: enrollment, progress,
attempts and certificates live in their own apps and point at these pages.

The pages live in the modules of this package; everything public is imported here,
so ``from content.models import ...`` is the one way in. The media models (videos)
are in ``content/media.py``, imported here so Django registers them with the app.
"""

from .. import media  # noqa: F401  (registers the video models with the app)
from .catalog import (
    CATALOG_SEARCH_MAX_LENGTH,
    THUMBNAIL_SPEC,
    CourseIndexPage,
    HomePage,
)
from .choices import (
    ASSESSED_COMPLETION,
    MAX_MINUTES,
    WATCH_SHARE,
    CompletionRule,
    CourseStatus,
    Difficulty,
    ModuleKind,
)
from .courses import CoursePage
from .modules import ModulePage

__all__ = [
    "ASSESSED_COMPLETION",
    "CATALOG_SEARCH_MAX_LENGTH",
    "MAX_MINUTES",
    "THUMBNAIL_SPEC",
    "WATCH_SHARE",
    "CompletionRule",
    "CourseIndexPage",
    "CoursePage",
    "CourseStatus",
    "Difficulty",
    "HomePage",
    "ModuleKind",
    "ModulePage",
]

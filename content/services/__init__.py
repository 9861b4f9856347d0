"""Writes to courses and modules. The API and the demo data go through these, and they
use Wagtail's own machinery (revisions, workflows, publishing) so the editor and the
API show one truth.

Layout: ``catalog`` (site set-up), ``rules`` (who may change a course), ``courses``,
``modules`` and ``pages`` (helpers both share). Callers import from here
(``from content.services import course_publish``).
"""

from .catalog import catalog_get, catalog_setup
from .courses import (
    course_archive,
    course_create,
    course_modules_publish,
    course_publish,
    course_review_decision_record,
    course_submit,
    course_unarchive,
    course_update,
)
from .modules import module_body_stream, module_create

__all__ = [
    "catalog_get",
    "catalog_setup",
    "course_archive",
    "course_create",
    "course_modules_publish",
    "course_publish",
    "course_review_decision_record",
    "course_submit",
    "course_unarchive",
    "course_update",
    "module_body_stream",
    "module_create",
]

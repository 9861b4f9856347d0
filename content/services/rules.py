"""Refusals for course writes; who manages a course is ``content.access``'s rule."""

from __future__ import annotations

from portal.accounts.permissions import is_admin
from portal.errors import PermissionDenied

from ..access import is_course_manager
from ..models import CoursePage


def _require_manager(user, course: CoursePage) -> None:
    if not is_course_manager(user=user, course=course):
        raise PermissionDenied("Only the course's instructor or an admin may do this.")


def _require_moderator(user) -> None:
    if not is_admin(user):
        raise PermissionDenied("Only moderators may publish courses.")

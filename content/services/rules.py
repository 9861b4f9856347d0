"""Who may change courses: their instructor and admins; moderators (admins)
publish and restore."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import PermissionDenied

from ..models import CoursePage


def is_course_manager(*, user: User | AnonymousUser, course: CoursePage) -> bool:
    """Admins manage every course; instructors the ones they teach."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or course.instructor_id == user.pk


def is_moderator(*, user: User | AnonymousUser) -> bool:
    """Moderators (admins) publish, approve and restore archived courses."""
    return is_admin(user)


def _require_manager(user, course: CoursePage) -> None:
    if not is_course_manager(user=user, course=course):
        raise PermissionDenied("Only the course's instructor or an admin may do this.")


def _require_moderator(user) -> None:
    if not is_admin(user):
        raise PermissionDenied("Only moderators may publish courses.")

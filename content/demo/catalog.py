"""The demo catalog in seeding order: a course's prerequisites come before it."""

from .foundations import FOUNDATION_COURSES
from .specialist import SPECIALIST_COURSES

COURSES = [*FOUNDATION_COURSES, *SPECIALIST_COURSES]

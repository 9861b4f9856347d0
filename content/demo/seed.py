"""The demo catalog's seeder: courses written by the demo instructor and approved by
the demo admin, through the same services as the API."""

from decimal import Decimal

from django.db import transaction

from portal.accounts.models import User
from portal.demo import DemoReport

from ..models import CoursePage
from ..services import (
    catalog_get,
    course_archive,
    course_create,
    course_publish,
    course_submit,
    module_create,
)
from .catalog import COURSES
from .specs import ARCHIVED, IN_REVIEW, PUBLISHED, Course
from .video import demo_video

INSTRUCTOR_EMAIL = "instructor@example.org"
ADMIN_EMAIL = "admin@example.org"


def seed_courses(report: DemoReport) -> None:
    instructor = User.objects.get(email=INSTRUCTOR_EMAIL)
    admin = User.objects.get(email=ADMIN_EMAIL)
    catalog = catalog_get()
    video_id = None
    by_title: dict[str, CoursePage] = {}
    for spec in COURSES:
        existing = CoursePage.objects.child_of(catalog).filter(slug=spec.slug).first()
        if existing is None and video_id is None:
            video_id = demo_video(instructor)
        by_title[spec.title] = existing or _course_seed(
            spec,
            instructor=instructor,
            admin=admin,
            prerequisites=by_title,
            video_id=video_id,
        )

    def titles(status: str) -> str:
        return ", ".join(f"“{c.title}”" for c in COURSES if c.status == status)

    published = CoursePage.objects.live().child_of(catalog).filter(archived_at=None)
    report.lines.append(
        f"Catalog: {published.count()} published courses at "
        f"{catalog.url or '/courses/'}"
    )
    report.lines.append(
        f"In review: {titles(IN_REVIEW)} (submitted by {INSTRUCTOR_EMAIL}; "
        f"approve it as {ADMIN_EMAIL} in /cms/)"
    )
    report.lines.append(f"Archived: {titles(ARCHIVED)} (not listed in the catalog)")


@transaction.atomic
def _course_seed(
    spec: Course,
    *,
    instructor: User,
    admin: User,
    prerequisites: dict,
    video_id: int | None = None,
) -> CoursePage:
    course = course_create(
        actor=instructor,
        data={
            "title": spec.title,
            "description": spec.description,
            "category": spec.category,
            "difficulty_level": spec.difficulty_level,
            "estimated_duration": spec.estimated_duration,
            "price": spec.price,
            "capacity": spec.capacity,
            "learning_outcomes": spec.outcomes,
            "prerequisites": [prerequisites[title] for title in spec.prerequisites],
        },
    )
    for position, module in enumerate(spec.modules):
        module_create(
            actor=instructor,
            course=course,
            data={
                "title": module.title,
                "description": module.summary,
                "kind": module.kind,
                "duration": module.duration,
                "is_mandatory": module.mandatory,
                # The first module of every course is a free preview: anyone may
                # read it (and watch its video) before enrolling.
                "is_free_preview": position == 0,
                "body": module.body(video_id),
            },
        )
    # The certificate template an instructor fills in Wagtail: signed by the
    # course's instructor, awarding its modules' hours (to the half hour).
    minutes = sum(module.duration for module in spec.modules)
    course.certificate_signatory_name = instructor.get_full_name()
    course.certificate_signatory_title = "Lead instructor"
    course.certificate_ce_hours = Decimal(round(minutes / 30)) / 2
    course.save_revision(user=instructor)
    course = course_submit(actor=instructor, course=course)
    if spec.status in (PUBLISHED, ARCHIVED):
        course = course_publish(actor=admin, course=course)
    if spec.status == ARCHIVED:
        course = course_archive(actor=admin, course=course)
    return course

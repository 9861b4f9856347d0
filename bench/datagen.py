"""The benchmark's data: sizes S (the demo), M and L, written in bulk.

    DJANGO_SETTINGS_MODULE=portal.settings.prod .venv/bin/python -m bench.datagen M

M: 200 courses, 2,000 modules, 20,000 learners, 40,000 enrollments and 200,000
progress rows, one quiz per course; L is ten times M. Pages are written straight
into the page tree (paths computed here, the parent's ``numchild`` set once) and
every other row with ``bulk_create``: per-row services would take an hour at M.
The rows are what the services would have written for a published course (live,
no unpublished changes, first/last published set), enough for the API to serve them;
there are no revisions, so the editor shows them as published pages without history.

Every learner's password is ``PASSWORD``; the hash is computed once with the
configured hasher, so a login costs what a real one does.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta

SIZES = {
    # S: the demo (``seed_demo``) plus a small generated set the scenario can use.
    "S": {"courses": 20, "modules": 10, "learners": 2_000, "enrollments": 2},
    "M": {"courses": 200, "modules": 10, "learners": 20_000, "enrollments": 2},
    "L": {"courses": 2_000, "modules": 10, "learners": 200_000, "enrollments": 2},
}
PASSWORD = "bench-Password-2026!"  # noqa: S105 - the benchmark's known password  # nosec B105
INSTRUCTOR_EMAIL = "bench-instructor@bench.test"
LEARNER_EMAIL = "learner{n}@bench.test"
PROGRESS_PER_ENROLLMENT = 5
CATEGORIES = ["Network security", "Cloud", "Forensics", "AppSec", "Governance"]
BATCH = 5_000


def learner_email(n: int) -> str:
    return LEARNER_EMAIL.format(n=n)


def generate(size: str, *, out=sys.stdout) -> dict:
    """Write size ``size`` into an empty, migrated database; returns counts."""
    from django.db import transaction

    if size == "S":
        from django.core.management import call_command

        call_command("seed_demo", stdout=out)
    spec = SIZES[size]
    started = time.monotonic()
    rng = random.Random(12)  # noqa: S311 - benchmark data, not security
    with transaction.atomic():
        instructor, learners = _users(spec["learners"])
        courses = _courses(spec["courses"], instructor=instructor)
        modules = _modules(courses, per_course=spec["modules"])
        assessments = _assessments(courses, instructor=instructor)
        counts = _enrollments(
            learners, courses, modules, per_learner=spec["enrollments"], rng=rng
        )
    _analyze()
    counts.update(
        size=size,
        courses=len(courses),
        modules=sum(len(m) for m in modules.values()),
        learners=len(learners),
        assessments=len(assessments),
        seconds=round(time.monotonic() - started, 1),
    )
    out.write(f"datagen: {counts}\n")
    return counts


def _users(count: int):
    from django.contrib.auth.hashers import make_password

    from portal.accounts.models import Profile, Role, User

    password = make_password(PASSWORD)
    instructor = User.objects.create(
        email=INSTRUCTOR_EMAIL,
        role=Role.INSTRUCTOR,
        first_name="Bench",
        last_name="Instructor",
        password=password,
    )
    users = [
        User(
            email=learner_email(n),
            role=Role.STUDENT,
            first_name="Learner",
            last_name=str(n),
            password=password,
        )
        for n in range(count)
    ]
    learners = User.objects.bulk_create(users, batch_size=BATCH)
    Profile.objects.bulk_create(
        [Profile(user=u) for u in [instructor, *learners]],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return instructor, learners


def _page_rows(model, parent, specs: list[dict]):
    """Insert pages of ``model`` as the last children of ``parent``: the ``Page``
    rows in bulk, then the subclass rows in bulk (Django's ``bulk_create`` refuses
    multi-table models, so the two halves are written one after the other)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import Page

    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    start = parent.numchild
    pages = []
    for offset, fields in enumerate(specs, start=1):
        slug = fields["slug"]
        pages.append(
            Page(
                title=fields["title"],
                draft_title=fields["title"],
                slug=slug,
                content_type=content_type,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now - timedelta(minutes=offset),
                last_published_at=now - timedelta(minutes=offset),
                url_path=f"{parent.url_path}{slug}/",
                depth=parent.depth + 1,
                path=Page._get_path(parent.path, parent.depth + 1, start + offset),
                numchild=fields.get("numchild", 0),
                locale_id=parent.locale_id,
            )
        )
    pages = Page.objects.bulk_create(pages, batch_size=BATCH)
    objs = []
    for page, fields in zip(pages, specs, strict=True):
        own = {k: v for k, v in fields.items() if k not in ("slug", "numchild")}
        obj = model(page_ptr_id=page.pk, **own)
        obj.__dict__.update(
            {f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields}
        )
        objs.append(obj)
    local = list(model._meta.local_concrete_fields)
    for i in range(0, len(objs), BATCH):
        model._base_manager._insert(objs[i : i + BATCH], fields=local, using="default")
    Page.objects.filter(pk=parent.pk).update(numchild=start + len(specs))
    return objs


def _courses(count: int, *, instructor):
    from content.models import CoursePage
    from content.services import catalog_get

    catalog = catalog_get()
    specs = [
        {
            "title": f"Bench course {n:04d}: defending systems",
            "slug": f"bench-course-{n:04d}",
            "description": f"<p>Course {n} teaches the defence of networks and "
            "systems through labs.</p>",
            "instructor_id": instructor.pk,
            "category": CATEGORIES[n % len(CATEGORIES)],
            "difficulty_level": ("beginner", "intermediate", "advanced")[n % 3],
            "estimated_duration": 600,
            "price": 0,
            "learning_outcomes": [("outcome", "Harden a server")],
        }
        for n in range(count)
    ]
    return _page_rows(CoursePage, catalog, specs)


def _modules(courses, *, per_course: int) -> dict:
    from content.models import ModulePage

    modules = {}
    for course in courses:
        course.numchild = 0
        specs = [
            {
                "title": f"Module {m + 1}",
                "slug": f"module-{m + 1}",
                "description": "Read, watch and practise.",
                "kind": "text",
                "completion": "view",
                "duration": 60,
                "is_mandatory": True,
                "is_free_preview": m == 0,
                "body": [("rich_text", "<p>Module text.</p>")],
            }
            for m in range(per_course)
        ]
        modules[course.pk] = _page_rows(ModulePage, course, specs)
    return modules


QUIZ = [
    {
        "id": f"q{n}",
        "type": "single_choice",
        "prompt": f"Question {n}?",
        "points": 1,
        "choices": ["a", "b", "c", "d"],
        "correct": n % 4,
    }
    for n in range(1, 6)
]


def _assessments(courses, *, instructor):
    from assessments.models import Assessment

    return Assessment.objects.bulk_create(
        [
            Assessment(
                course_id=course.pk,
                title="Check your knowledge",
                assessment_type="quiz",
                questions=QUIZ,
                passing_score=60,
                max_attempts=30_000,
                created_by=instructor,
            )
            for course in courses
        ],
        batch_size=BATCH,
    )


def _enrollments(learners, courses, modules, *, per_learner: int, rng) -> dict:
    from django.utils import timezone

    from learning.models import Enrollment, ModuleProgress

    now = timezone.now()
    enrollments, progress = [], []
    for n, learner in enumerate(learners):
        picked = {courses[(n + k * 7) % len(courses)] for k in range(per_learner)}
        for course in picked:
            enrollments.append(
                Enrollment(
                    user_id=learner.pk,
                    course_id=course.pk,
                    source="self",
                    status="active",
                    enrolled_at=now,
                    last_accessed=now,
                )
            )
            for module in rng.sample(modules[course.pk], PROGRESS_PER_ENROLLMENT):
                progress.append(
                    ModuleProgress(
                        user_id=learner.pk,
                        course_id=course.pk,
                        module_id=module.pk,
                        completed_at=now,
                        time_spent=120,
                    )
                )
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    ModuleProgress.objects.bulk_create(progress, batch_size=BATCH)
    return {"enrollments": len(enrollments), "progress": len(progress)}


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def write_targets(path: str, *, video_master: str = "") -> None:
    """What the locust scenario needs to know of the generated data (JSON)."""
    import json

    from assessments.models import Assessment
    from content.models import CoursePage, ModulePage
    from portal.accounts.models import User

    courses = list(
        CoursePage.objects.filter(slug__startswith="bench-course-")
        .order_by("path")
        .values_list("pk", "path")
    )
    modules: dict[str, list[int]] = {str(pk): [] for pk, _ in courses}
    by_path = {tree_path: str(pk) for pk, tree_path in courses}
    steplen = ModulePage.steplen
    rows = ModulePage.objects.order_by("path").values_list("pk", "path")
    for pk, tree_path in rows:
        course = by_path.get(tree_path[:-steplen])
        if course is not None:
            modules[course].append(pk)
    assessments = {
        str(course_id): pk
        for course_id, pk in Assessment.objects.order_by("pk").values_list(
            "course_id", "pk"
        )
    }
    size = next(
        (name for name, spec in SIZES.items() if spec["courses"] == len(courses)), "M"
    )
    data = {
        "courses": [pk for pk, _ in courses],
        "modules": modules,
        "assessments": assessments,
        "learners": User.objects.filter(email__endswith="@bench.test").count() - 1,
        "per_learner": SIZES[size]["enrollments"],
        "email": LEARNER_EMAIL,
        "password": PASSWORD,
        "video_master": video_master,
    }
    with open(path, "w") as f:
        json.dump(data, f)


def main() -> None:
    size = (sys.argv[1:] or ["M"])[0].upper()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")
    import django

    django.setup()
    generate(size)


if __name__ == "__main__":
    main()

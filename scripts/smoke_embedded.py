"""Drive the portal on the embedded default that ``make run`` uses: SQLite, no Redis
(in-process cache, eager Celery tasks), local files.

The test suite runs on PostgreSQL; this script is the guard for everything a new
user meets first. It migrates a throwaway SQLite database, seeds the demo, and walks
the main flows through Django's test client: catalog pages and search, sign-in,
enrollment, progress to completion and the certificate, every question type of an
assessment (autosave, submit, a lab flag, an essay graded by hand), a proctored exam,
the video and its playlist, analytics, and the editor's screens. Any 5xx or an
unexpected status fails it (exit 1).

    python scripts/smoke_embedded.py            # a fresh database in a temp folder
    python scripts/smoke_embedded.py --keep     # keep the folder and say where

``tests/portal/test_embedded_default.py`` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(folder: Path) -> None:
    """The ``make run`` environment, pointed at ``folder``."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    for name in (
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
    ):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))


class SmokeFailure(AssertionError):
    pass


def expect(condition, message) -> None:
    if not condition:
        raise SmokeFailure(message)


class Smoke:
    def __init__(self) -> None:
        from functools import partial

        from django.test import Client

        # The dev server's host (ALLOWED_HOSTS of the dev settings).
        self.client_class = partial(Client, HTTP_HOST="127.0.0.1")
        self.checked = 0

    def call(self, client, method, path, expect, **kwargs):
        """One request; fails on any status but ``expect`` (an int or a tuple)."""
        kwargs.setdefault("content_type", "application/json")
        if method == "get":
            kwargs.pop("content_type")
        response = getattr(client, method)(path, **kwargs)
        expected = expect if isinstance(expect, tuple) else (expect,)
        self.checked += 1
        if response.status_code not in expected:
            body = getattr(response, "content", b"")[:600]
            raise SmokeFailure(
                f"{method.upper()} {path}: {response.status_code}, expected "
                f"{expected}: {body!r}"
            )
        return response

    def data(self, client, method, path, expect=200, **kwargs):
        response = self.call(client, method, path, expect, **kwargs)
        return response.json()["data"]

    def api_client(self, email: str, password: str):
        client = self.client_class()
        token = self.data(
            client,
            "post",
            "/api/v1/auth/login",
            data={"email": email, "password": password},
        )["token"]
        return self.client_class(HTTP_AUTHORIZATION=f"Bearer {token}")

    def web_client(self, user):
        client = self.client_class()
        client.force_login(user)
        return client


def run() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from assessments.demo.bank import QUIZZES, lab_questions
    from assessments.models import Assessment
    from content.models import CoursePage, ModulePage
    from content.services.videos import video_get  # noqa: F401  (import check)
    from portal.accounts.demo import DEMO_ACCOUNTS
    from portal.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=StringIO())

    smoke = Smoke()
    anonymous = smoke.client_class()
    passwords = {email: password for email, *_, password in DEMO_ACCOUNTS}
    admin_email = "admin@example.org"
    instructor_email = "instructor@example.org"
    student_email = "student@example.org"

    # --- Pages and catalog, anonymous -----------------------------------------
    for path in ("/", "/courses/", "/courses/?q=network", "/health/", "/api/v1/docs/"):
        smoke.call(anonymous, "get", path, 200)
    smoke.call(anonymous, "get", "/api/v1/schema/", 200)
    courses = smoke.data(anonymous, "get", "/api/v1/courses?q=network&per_page=100")
    expect(courses, "search found no course")
    smoke.data(anonymous, "get", "/api/v1/courses?difficulty_level=beginner")
    smoke.data(anonymous, "get", "/api/v1/courses?ordering=-title")
    course = CoursePage.objects.live().get(title="Network Defense Essentials")
    smoke.data(anonymous, "get", f"/api/v1/courses/{course.pk}")
    modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
    smoke.call(anonymous, "get", course.url, 200)
    for module in modules:
        page = smoke.call(anonymous, "get", module.url, 200).content
        locked = b"This module is for enrolled learners" in page
        expect(locked != module.is_free_preview, f"{module.url}: locked={locked}")

    # --- A learner: enrollment, progress, completion, certificate -------------
    learner = smoke.api_client(student_email, passwords[student_email])
    me = smoke.data(learner, "get", "/api/v1/users/me")
    smoke.data(learner, "post", f"/api/v1/courses/{course.pk}/enroll", 201)
    smoke.call(learner, "post", f"/api/v1/courses/{course.pk}/enroll", 409)
    # Each module by its completion rule: reading is marked complete, the video
    # is watched, labs and interactive modules refuse "complete" and are completed
    # by their assessment (the demo's answers and flags, as a learner finds them).
    for module in modules:
        url = f"/api/v1/courses/{course.pk}/modules/{module.pk}/progress"
        if module.completion == "view":
            smoke.data(learner, "post", url, data={"completed": True, "time_spent": 60})
            continue
        state = smoke.data(
            learner, "post", url, data={"time_spent": 60, "last_position": 3}
        )
        if module.completion == "watch":
            if not state["module"]["completed"]:  # no video of known length
                smoke.data(learner, "post", url, data={"completed": True})
            continue
        smoke.call(learner, "post", url, 409, data={"completed": True})
        assessment = Assessment.objects.get(module=module)
        questions = (
            lab_questions(course.title, module.title)
            if module.completion == "flag"
            else QUIZZES[(course.title, module.title)]
        )
        smoke.data(learner, "post", f"/api/v1/assessments/{assessment.pk}/start", 201)
        result = smoke.data(
            learner,
            "post",
            f"/api/v1/assessments/{assessment.pk}/submit",
            201,
            data={"answers": {q["id"]: q["correct"] for q in questions}},
        )
        expect(result["passed"] is True, f"{module.title}: {result}")
    smoke.call(
        learner,
        "post",
        f"/api/v1/courses/{course.pk}/modules/{modules[0].pk}/progress",
        400,
        data={"time_spent": -5},
    )
    progress = smoke.data(learner, "get", f"/api/v1/courses/{course.pk}/progress")
    smoke.data(learner, "get", "/api/v1/users/me/courses")
    certificates = smoke.data(learner, "get", "/api/v1/users/me/certificates")
    expect(float(progress["progress_percentage"]) == 100.0, progress)
    expect(certificates, "a completed course issued no certificate")
    for certificate in certificates:
        smoke.data(learner, "get", f"/api/v1/certificates/{certificate['id']}")
        pdf = smoke.call(
            learner, "get", f"/api/v1/certificates/{certificate['id']}/download", 200
        )
        content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
        expect(content[:5] == b"%PDF-", "the certificate is not a PDF")
        check = smoke.data(
            anonymous,
            "post",
            f"/api/v1/certificates/{certificate['id']}/verify",
            data={"certificate_number": certificate["certificate_number"]},
        )
        expect(check["valid"] is True, check)

    # --- An assessment with every question type -------------------------------
    instructor = smoke.api_client(instructor_email, passwords[instructor_email])
    admin = smoke.api_client(admin_email, passwords[admin_email])
    security = CoursePage.objects.live().get(title="Security+ Foundations")
    owner = (
        instructor
        if security.instructor.email == instructor_email
        else smoke.api_client(admin_email, passwords[admin_email])
    )
    questions = [
        {
            "id": "q1",
            "type": "single_choice",
            "prompt": "SSH port?",
            "choices": ["21", "22"],
            "correct": 1,
        },
        {
            "id": "q2",
            "type": "multiple_choice",
            "prompt": "Encrypted protocols?",
            "choices": ["HTTPS", "Telnet", "SSH"],
            "correct": [0, 2],
        },
        {"id": "q3", "type": "true_false", "prompt": "MD5 is safe.", "correct": False},
        {
            "id": "q4",
            "type": "short_answer",
            "prompt": "Packet capture tool?",
            "correct": ["tcpdump", "wireshark"],
        },
        {
            "id": "q5",
            "type": "numeric",
            "prompt": "Bits in an IPv4 address?",
            "correct": 32,
            "tolerance": 0,
        },
        {"id": "q6", "type": "flag", "prompt": "Find the flag.", "correct": "FLAG{x}"},
        {"id": "q7", "type": "essay", "prompt": "Explain least privilege."},
    ]
    assessment = smoke.data(
        owner,
        "post",
        f"/api/v1/courses/{security.pk}/assessments",
        201,
        data={
            "title": "Smoke check",
            "assessment_type": "lab",
            "questions": questions,
            "passing_score": 50,
            "time_limit": 20,
            "max_attempts": 2,
            "lab_instructions": "Connect to lab.example.org.",
        },
    )
    smoke.call(
        owner,
        "post",
        f"/api/v1/courses/{security.pk}/assessments",
        400,
        data={**assessment, "questions": [{"id": "q1", "type": "nope"}]},
    )
    detail = smoke.call(learner, "get", f"/api/v1/assessments/{assessment['id']}", 200)
    expect(b"FLAG{x}" not in detail.content, "the flag leaked")
    expect(b"tcpdump" not in detail.content, "an answer leaked")
    attempt = smoke.data(
        learner, "post", f"/api/v1/assessments/{assessment['id']}/start", 201
    )
    smoke.data(
        learner,
        "put",
        f"/api/v1/attempts/{attempt['id']}/answers",
        data={"answers": {"q1": 1, "q4": "Tcpdump"}},
    )
    answers = {
        "q1": 1,
        "q2": [2, 0],
        "q3": False,
        "q4": "  TCPDUMP ",
        "q5": 32,
        "q6": "FLAG{x}",
        "q7": "Give each account only what it needs.",
    }
    result = smoke.data(
        learner,
        "post",
        f"/api/v1/assessments/{assessment['id']}/submit",
        201,
        data={"answers": answers},
    )
    expect("FLAG{x}" not in json.dumps(result), "the flag leaked in the feedback")
    smoke.data(learner, "get", f"/api/v1/attempts/{attempt['id']}")
    smoke.data(learner, "get", f"/api/v1/assessments/{assessment['id']}/results")
    queue = smoke.data(owner, "get", "/api/v1/grading/queue")
    expect(queue, "the essay is not in the grading queue")
    smoke.data(
        owner,
        "post",
        f"/api/v1/attempts/{attempt['id']}/grade",
        data={"grades": {"q7": {"points": 1, "feedback": "Good."}}},
    )
    smoke.data(
        owner,
        "put",
        f"/api/v1/assessments/{assessment['id']}",
        data={"max_attempts": 3},
    )

    # --- A proctored exam -------------------------------------------------------
    now = timezone.now()
    exam = smoke.data(
        owner,
        "post",
        f"/api/v1/courses/{security.pk}/assessments",
        201,
        data={
            "title": "Proctored smoke exam",
            "assessment_type": "exam",
            "proctored": True,
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(hours=3)).isoformat(),
            "questions": questions[:1],
            "passing_score": 50,
            "time_limit": 20,
            "max_attempts": 1,
        },
    )
    started = smoke.call(
        learner, "post", f"/api/v1/assessments/{exam['id']}/start", 201
    )
    token = started.json()["data"]["proctor_token"]
    headers = {"HTTP_X_PROCTOR_SESSION": token}
    exam_attempt = started.json()["data"]["id"]
    smoke.call(
        learner,
        "post",
        f"/api/v1/attempts/{exam_attempt}/events",
        (200, 201),
        data={"events": [{"kind": "focus_lost", "occurred_at": now.isoformat()}]},
        **headers,
    )
    smoke.data(owner, "get", f"/api/v1/assessments/{exam['id']}/proctoring")

    # --- Concurrent writers on SQLite: waits, never "database is locked" -------
    racers = [
        smoke.api_client(student_email, passwords[student_email]) for _ in range(6)
    ]
    quiz = smoke.data(
        owner,
        "post",
        f"/api/v1/courses/{security.pk}/assessments",
        201,
        data={
            "title": "Racing quiz",
            "assessment_type": "quiz",
            "questions": questions[:1],
            "passing_score": 50,
            "max_attempts": 1,
        },
    )

    def race(index: int) -> int:
        client = racers[index]
        if index % 2:
            return client.post(
                f"/api/v1/assessments/{quiz['id']}/start",
                content_type="application/json",
            ).status_code
        return client.post(
            f"/api/v1/courses/{security.pk}/modules/{modules_of_security[index]}/progress",
            data={"time_spent": 30},
            content_type="application/json",
        ).status_code

    modules_of_security = (
        list(ModulePage.objects.live().child_of(security).values_list("pk", flat=True))
        * 6
    )
    with ThreadPoolExecutor(max_workers=len(racers)) as pool:
        statuses = list(pool.map(race, range(len(racers))))
    smoke.checked += len(statuses)
    starts = statuses[1::2]
    expect(statuses[0::2] == [200, 200, 200], f"racing progress writes: {statuses}")
    expect(starts.count(201) == 1, f"racing starts: {statuses}")
    expect(set(starts) <= {200, 201, 409}, f"racing starts: {statuses}")

    # --- Video, analytics ---------------------------------------------------------
    from content.media import VideoAsset

    video = VideoAsset.objects.order_by("pk").first()
    expect(video is not None, "the demo has no video")
    expect(video.status == "ready", f"the demo video is {video.status}")
    smoke.data(admin, "get", f"/api/v1/videos/{video.pk}")
    smoke.call(admin, "get", f"/api/v1/videos/{video.pk}/hls/master.m3u8", 200)
    # The demo's video modules open their courses as free previews.
    smoke.call(anonymous, "get", f"/api/v1/videos/{video.pk}/hls/master.m3u8", 200)
    smoke.data(admin, "get", "/api/v1/analytics/dashboard")
    smoke.data(instructor, "get", "/api/v1/analytics/dashboard")
    smoke.data(admin, "get", f"/api/v1/analytics/courses/{security.pk}")
    smoke.data(admin, "get", f"/api/v1/analytics/users/{me['id']}")

    # --- Rendered pages for people signed in --------------------------------------
    student = User.objects.get(email=student_email)
    web = smoke.web_client(student)
    for path in ("/learn/", modules[-1].url, f"/assessments/{assessment['id']}/"):
        smoke.call(web, "get", path, 200)
    staff = smoke.web_client(User.objects.get(email=admin_email))
    for path in (
        "/cms/",
        "/cms/pages/",
        "/cms/assessments/",
        "/cms/grading/",
        "/cms/proctoring/",
        "/django-admin/",
    ):
        smoke.call(staff, "get", path, 200)

    sys.stdout.write(
        f"embedded default: {smoke.checked} requests answered as expected\n"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="portal-smoke-"))
    configure(folder)
    try:
        return run()
    finally:
        if args.keep:
            sys.stdout.write(f"kept {folder}\n")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

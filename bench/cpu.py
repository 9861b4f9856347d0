"""CPU time per request, in process: robust to a loaded machine, unlike wall time.

    .venv/bin/python -m bench.cpu [--requests 200] [--profile NAME]

Runs against the database and Redis of the environment (``make bench`` points them
at its own), through Django's test client with the whole middleware stack, and
prints for each endpoint the CPU milliseconds per request (``time.process_time``,
this process only: the database's and Redis's own work is not in it; the best of
five batches) and the SQL queries of one warm request. ``--profile NAME`` prints
a pyinstrument profile of that endpoint instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")


def login(client, email: str, password: str) -> str:
    response = client.post(
        "/api/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )
    if response.status_code != 200:
        raise SystemExit(f"login failed: {response.status_code} {response.content!r}")
    return response.json()["data"]["token"]


def endpoints(token: str, course_id: int, module_id: int, assessment_id: int) -> dict:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    return {
        "bare view": ("get", "/bench/bare/", {}, None),
        "catalog (anonymous)": ("get", "/api/v1/courses", {}, None),
        "catalog": ("get", "/api/v1/courses", auth, None),
        "catalog page 3": ("get", "/api/v1/courses?page=3", auth, None),
        "course detail (anonymous)": ("get", f"/api/v1/courses/{course_id}", {}, None),
        "course detail": ("get", f"/api/v1/courses/{course_id}", auth, None),
        "modules": ("get", f"/api/v1/courses/{course_id}/modules", auth, None),
        "my courses": ("get", "/api/v1/users/me/courses", auth, None),
        "module progress": (
            "post",
            f"/api/v1/courses/{course_id}/modules/{module_id}/progress",
            auth,
            {"time_spent": 5},
        ),
        # Writes of the quiz: a start that resumes the attempt in progress, and a
        # submission that opens and grades a new attempt in one request.
        "assessment start": (
            "post",
            f"/api/v1/assessments/{assessment_id}/start",
            auth,
            {},
        ),
        "assessment submit": (
            "post",
            f"/api/v1/assessments/{assessment_id}/submit",
            auth,
            {"answers": {"q1": 0, "q2": 1, "q3": 2}},
        ),
        # Reads added with the partner, mentoring, skills and payment features.
        "work roles (anonymous)": ("get", "/api/v1/competencies/work-roles", {}, None),
        "my competencies": ("get", "/api/v1/users/me/competencies", auth, None),
        "my mentorships": ("get", "/api/v1/mentorships", auth, None),
        "my orders": ("get", "/api/v1/orders", auth, None),
        "my talent profile": ("get", "/api/v1/users/me/talent-profile", auth, None),
        # Reads added with privacy and session controls.
        "my consents": ("get", "/api/v1/users/me/consents", auth, None),
        "my current consents": (
            "get",
            "/api/v1/users/me/consents?current=true",
            auth,
            None,
        ),
        "my profile": ("get", "/api/v1/users/me", auth, None),
        "api 404": ("get", "/api/v1/nothing-here", auth, None),
        **_video_endpoints(),
    }


def _video_endpoints() -> dict:
    """The benchmark video's master playlist (the access check, and the variants'
    signed folder URL), when ``bench.video`` wrote it into the targets
    (``BENCH_TARGETS``)."""
    path = os.environ.get("BENCH_TARGETS", "var/bench/targets.json")
    if not os.path.exists(path):
        return {}
    import json

    with open(path) as f:
        master = json.load(f).get("video_master")
    return {"video master playlist": ("get", master, {}, None)} if master else {}


def measure(client, method, path, headers, body, n: int) -> tuple[float, int, int]:
    from django.db import connection

    def call():
        if method == "get":
            return client.get(path, **headers)
        return client.post(path, body, content_type="application/json", **headers)

    for _ in range(10):
        status = call().status_code
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
    ):
        call()
    # The best of five batches: another process on the machine (or a slower moment
    # of a shared host) only ever adds time, so the fastest batch is the request's
    # own cost.
    batch = max(1, n // 5)
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for _ in range(batch):
            call()
        best = min(best, (time.process_time() - started) / batch)
    return best * 1000, len(queries), status


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def targets():
    from assessments.models import Assessment
    from bench.datagen import PASSWORD, learner_email
    from learning.models import Enrollment, ModuleProgress

    email = learner_email(1)
    enrollment = Enrollment.objects.filter(user__email=email).first()
    module_id = (
        ModuleProgress.objects.filter(user__email=email, course=enrollment.course_id)
        .values_list("module_id", flat=True)
        .first()
    )
    assessment_id = (
        Assessment.objects.filter(course_id=enrollment.course_id)
        .values_list("pk", flat=True)
        .first()
    )
    return email, PASSWORD, enrollment.course_id, module_id, assessment_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    setup()
    email, password, course_id, module_id, assessment_id = targets()
    client = _client()
    client.get("/bench/bare/")  # the first request loads the URLs and the apps
    token = login(client, email, password)
    started = time.process_time()
    for _ in range(5):
        token = login(client, email, password)
    login_ms = (time.process_time() - started) * 1000 / 5
    table = endpoints(token, course_id, module_id, assessment_id)
    if args.profile:
        from pyinstrument import Profiler

        method, path, headers, body = table[args.profile]
        measure(client, method, path, headers, body, 5)
        with Profiler(interval=0.001) as profiler:
            measure(client, method, path, headers, body, args.requests)
        profiler.print(show_all=False)
        return
    out = sys.stdout
    out.write(f"{'endpoint':<28} {'CPU ms':>8} {'queries':>8} {'status':>7}\n")
    out.write(f"{'login (hash + tokens)':<28} {login_ms:>8.1f} {'':>8} {200:>7}\n")
    for name, (method, path, headers, body) in table.items():
        ms, queries, status = measure(
            client, method, path, headers, body, args.requests
        )
        out.write(f"{name:<28} {ms:>8.2f} {queries:>8} {status:>7}\n")


if __name__ == "__main__":
    main()

"""The benchmark's load, modelled on the plan's scenario (section 9.1): each learner
signs in, then browses the catalog, opens courses, lists their courses, records
module progress and now and then takes a quiz, with 1-3 s of think time. A few
requests go to ``/bench/bare/`` (a view that does nothing) so that every run also
measures Django itself on the same machine at the same moment: the ratio of the two
is what compares across machines.

``Viewer`` (``BENCH_VIEWERS`` > 0) watches a video as hls.js does: reads the
master playlist once (Django checks access and names the variant by a signed URL),
then re-reads its variant playlist every 4 s and fetches the next segment (both
from Nginx), and reads the master again when a signed URL is refused.

Targets (course, module and assessment ids, the number of learners) come from the
JSON file ``BENCH_TARGETS`` that ``bench/run.sh`` writes after generating the data.

The users are ``FastHttpUser`` (geventhttpclient) rather than ``HttpUser``
(requests): locust runs on the same two cores as the portal, and the lighter client
takes several times less CPU per request (locust's documentation), which is CPU
left to the server measured.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import re
import threading
import time

import gevent
from locust import FastHttpUser, between, constant, events, task

with open(os.environ.get("BENCH_TARGETS", "var/bench/targets.json")) as f:
    TARGETS = json.load(f)

COURSES: list[int] = TARGETS["courses"]
MODULES: dict[str, list[int]] = TARGETS["modules"]
ASSESSMENTS: dict[str, int] = TARGETS["assessments"]
PASSWORD: str = TARGETS["password"]
_numbers = itertools.count(int(os.environ.get("BENCH_LEARNER_OFFSET", "0")))
_lock = threading.Lock()


def next_learner() -> int:
    with _lock:
        return next(_numbers) % TARGETS["learners"]


def enrolled_courses(n: int) -> list[int]:
    """The courses ``bench.datagen`` enrolled learner ``n`` in."""
    count = len(COURSES)
    return sorted({COURSES[(n + k * 7) % count] for k in range(TARGETS["per_learner"])})


def signed_in(task_function):
    """A learner's task, run once the learner holds a token (else it signs in, once
    its back-off after a refused sign-in has passed, and does nothing till then)."""

    @functools.wraps(task_function)
    def run(user):
        if user.token is None:
            if time.monotonic() >= user.sign_in_after:
                user.login()
            return None
        return task_function(user)

    return run


# A refused sign-in is tried again after a back-off that doubles with each refusal
# in a row (from 2 s, at most 60 s, and never sooner than the answer's Retry-After),
# with full jitter: as a careful client does, and as every client must for the box to
# recover. Without it, a box that once started refusing sign-ins stayed full: 500
# learners each signing in again every 1-3 s asked for several cores of password
# hashing, and every request of the minute was refused (README, "Performance").
SIGN_IN_BACKOFF_S = 2.0
SIGN_IN_BACKOFF_MAX_S = 60.0


def sign_in_backoff(refusals: int, retry_after: str | None) -> float:
    """Seconds to wait before the next sign-in after ``refusals`` in a row."""
    ceiling = min(SIGN_IN_BACKOFF_MAX_S, SIGN_IN_BACKOFF_S * 2 ** (refusals - 1))
    try:
        floor = float(retry_after) if retry_after else 0.0
    except ValueError:
        floor = 0.0
    return max(floor, random.uniform(0, ceiling))  # noqa: S311


class Learner(FastHttpUser):
    wait_time = between(1, 3)
    weight = 1

    def on_start(self):
        self.number = next_learner()
        self.mine = enrolled_courses(self.number)
        self.refusals = 0
        self.sign_in_after = 0.0
        self.login()

    def login(self):
        """Sign in; a refused sign-in (503 when the box is full) leaves the learner
        without a token, and ``signed_in`` tasks sign in again first, after a
        back-off (``sign_in_backoff``), as a client would, instead of sending
        requests that can only be 401."""
        self.token = None
        with self.client.post(
            "/api/v1/auth/login",
            json={
                "email": TARGETS["email"].format(n=self.number),
                "password": PASSWORD,
            },
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.token = response.json()["data"]["token"]
                self.refusals = 0
            else:
                response.failure(f"login {response.status_code}")
                self.refusals += 1
                self.sign_in_after = time.monotonic() + sign_in_backoff(
                    self.refusals, response.headers.get("Retry-After")
                )
        self.headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, name: str):
        return self.client.get(path, headers=self.headers, name=name)

    @task(4)
    @signed_in
    def catalog(self):
        self.get(f"/api/v1/courses?page={random.randint(1, 5)}", "catalog")  # noqa: S311

    @task(3)
    @signed_in
    def course_detail(self):
        self.get(f"/api/v1/courses/{random.choice(COURSES)}", "course detail")  # noqa: S311

    @task(2)
    @signed_in
    def my_courses(self):
        self.get("/api/v1/users/me/courses", "my courses")

    @task(1)
    @signed_in
    def career(self):
        """The learner's other pages: skills coverage, mentors, orders."""
        self.get("/api/v1/users/me/competencies", "my competencies")
        self.get("/api/v1/mentorships", "my mentorships")
        self.get("/api/v1/orders", "my orders")

    @task(2)
    @signed_in
    def modules(self):
        course = random.choice(self.mine)  # noqa: S311
        self.get(f"/api/v1/courses/{course}/modules", "modules")

    @task(2)
    @signed_in
    def progress(self):
        course = random.choice(self.mine)  # noqa: S311
        module = random.choice(MODULES[str(course)])  # noqa: S311
        self.client.post(
            f"/api/v1/courses/{course}/modules/{module}/progress",
            json={"time_spent": 30},
            headers=self.headers,
            name="module progress",
        )

    @task(1)
    @signed_in
    def assessment(self):
        course = random.choice(self.mine)  # noqa: S311
        assessment = ASSESSMENTS[str(course)]
        started = self.client.post(
            f"/api/v1/assessments/{assessment}/start",
            headers=self.headers,
            name="assessment start",
        )
        if started.status_code != 201:
            return
        answers = {f"q{n}": random.randint(0, 3) for n in range(1, 6)}  # noqa: S311
        self.client.post(
            f"/api/v1/assessments/{assessment}/submit",
            json={"answers": answers},
            headers=self.headers,
            name="assessment submit",
        )

    @task(1)
    def bare(self):
        self.client.get("/bench/bare/", name="bare view")


# Every API request's time after the stats reset (the ramp excluded, as locust's
# own figures), for exact percentiles over all API requests of a run that also has
# viewers: locust's CSV only has them per name and over everything.
VIDEO_NAMES = {"video master", "video playlist", "video segment"}
_api_times: list[float] = []
_environment = None


@events.request.add_listener
def _api_request(name, response_time, **kwargs):
    if name not in VIDEO_NAMES:
        _api_times.append(response_time)


# Seconds after the last user has started before the figures count. The ramp is a
# storm of sign-ins (BENCH_SPAWN_RATE a second, each ~40 ms of Argon2) on top of the
# growing load, and leaves a queue that takes ~15 s to drain; measured from the end
# of the ramp, a run reports that queue rather than the load it holds.
SETTLE = float(os.environ.get("BENCH_SETTLE", "0"))


@events.init.add_listener
def _remember(environment, **kwargs):
    global _environment
    _environment = environment


@events.spawning_complete.add_listener
def _api_reset(**kwargs):
    """Reset the figures (locust's and ours) ``SETTLE`` seconds after the ramp."""

    def reset():
        _environment.stats.reset_all()
        _api_times.clear()

    if SETTLE > 0:
        gevent.spawn_later(SETTLE, reset)
    else:
        reset()


@events.quitting.add_listener
def _api_write(**kwargs):
    path = os.environ.get("BENCH_API_TIMES")
    if not path or not _api_times:
        return
    times = sorted(_api_times)

    def at(share: float) -> float:
        return times[min(len(times) - 1, int(share * len(times)))]

    with open(path, "w") as f:
        json.dump(
            {"count": len(times), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99)},
            f,
        )


SEGMENT = re.compile(r"^[^#\s].*$", re.MULTILINE)


class Viewer(FastHttpUser):
    """One viewer of the benchmark video: the master playlist once, then the
    variant playlist every 4 s (as a player does near the live edge, and as the
    issue measured) and the next segment."""

    wait_time = constant(4)
    weight = int(os.environ.get("BENCH_VIEWER_WEIGHT", "0"))
    fixed_count = int(os.environ.get("BENCH_VIEWERS", "0"))

    def on_start(self):
        self.segment = random.randint(0, 50)  # noqa: S311
        self.variant = None

    def master(self) -> str | None:
        path = TARGETS["video_master"]
        response = self.client.get(path, name="video master")
        if response.status_code != 200:
            return None
        uri = SEGMENT.search(response.text)
        if uri is None:
            return None
        uri = uri.group(0)
        return uri if uri.startswith("/") else f"{path.rsplit('/', 1)[0]}/{uri}"

    @task
    def watch(self):
        if self.variant is None:
            self.variant = self.master()
            if self.variant is None:
                return
        playlist = self.client.get(self.variant, name="video playlist")
        if playlist.status_code in (403, 410):
            self.variant = None  # expired: the master again, next time
            return
        if playlist.status_code != 200:
            return
        segments = SEGMENT.findall(playlist.text)
        if not segments:
            return
        self.segment = (self.segment + 1) % len(segments)
        uri = segments[self.segment]
        if not uri.startswith("/"):
            uri = f"{self.variant.rsplit('/', 1)[0]}/{uri}"
        response = self.client.get(uri, name="video segment")
        if response.status_code in (403, 410):
            self.variant = None

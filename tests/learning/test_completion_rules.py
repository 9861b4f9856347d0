"""A module's completion rule, enforced on the server: ``view`` by hand, ``watch``
by watching 95 % of the video, ``pass`` by passing the required assessment,
``flag`` by capturing every flag of the lab. Marking modules complete without
doing the work gives no completion and no certificate (API and pages)."""

import pytest
from rest_framework.test import APIClient

from assessments.services import assessment_create
from content.media import VideoAsset, VideoStatus
from content.models import ModulePage
from content.services import course_create, course_publish, module_create
from learning.models import Certificate, Enrollment, ModuleProgress
from learning.services import enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAGS = ["FLAG{first-hash}", "FLAG{second-hash}"]
QUIZ = [
    {
        "id": "q1",
        "type": "single_choice",
        "prompt": "Which port does HTTPS use?",
        "choices": ["80", "443", "22"],
        "correct": 1,
    },
    {"id": "q2", "type": "true_false", "prompt": "MD5 is safe.", "correct": False},
]
LAB = [
    {"id": f"f{i}", "type": "flag", "prompt": f"Flag {i}", "correct": flag}
    for i, flag in enumerate(FLAGS, start=1)
]


@pytest.fixture
def video(instructor):
    return VideoAsset.objects.create(
        title="Clip",
        owner=instructor,
        original="videos/originals/clip.mp4",
        status=VideoStatus.READY,
        hls_path="videos/hls/clip",
        duration=100.0,
    )


@pytest.fixture
def mixed_course(instructor, admin_user, video):
    """Four required modules, one per rule, with their assessments."""
    course = course_create(
        actor=instructor,
        data={
            "title": "Honest course",
            "description": "Real work.",
            "category": "Networking",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
        },
    )
    specs = [
        ("Reading", "text", {}),
        ("Video", "video", {"video_id": video.pk}),
        ("Quiz", "interactive", {}),
        ("Lab", "lab", {}),
    ]
    for title, kind, extra in specs:
        module_create(
            actor=instructor,
            course=course,
            data={"title": title, "kind": kind, "duration": 10, **extra},
        )
    course = course_publish(actor=admin_user, course=course)
    _reading, _clip, quiz, lab = ModulePage.objects.child_of(course).order_by("path")
    assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Quiz",
        assessment_type="quiz",
        questions=QUIZ,
        passing_score=100,
        max_attempts=3,
        module_id=quiz.pk,
        required_for_completion=True,
    )
    assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Lab",
        assessment_type="lab",
        questions=LAB,
        passing_score=50,
        max_attempts=5,
        module_id=lab.pk,
    )
    return course


def modules(course):
    return {
        m.kind: m for m in ModulePage.objects.child_of(course).live().order_by("path")
    }


@pytest.fixture
def learner(mixed_course):
    user = UserFactory()
    enrollment_create(actor=user, course_id=mixed_course.pk)
    return user


@pytest.fixture
def client_of(learner):
    client = APIClient()
    signed_in(client, learner)
    return client


def progress(client, course, module, **body):
    return client.post(
        f"/api/v1/courses/{course.pk}/modules/{module.pk}/progress", body, format="json"
    )


def take(client, module, answers):
    assessment = module.assessments.get()
    started = client.post(f"/api/v1/assessments/{assessment.pk}/start")
    assert started.status_code == 201, started.content
    return client.post(
        f"/api/v1/assessments/{assessment.pk}/submit",
        {"answers": answers},
        format="json",
    )


def error_code(response) -> str:
    return response.json()["errors"][0]["code"]


def is_done(user, module) -> bool:
    return ModuleProgress.objects.filter(
        user=user, module=module, completed_at__isnull=False
    ).exists()


class TestRulesAreExplicit:
    def test_each_kind_gets_its_rule(self, mixed_course):
        rules = {kind: m.completion for kind, m in modules(mixed_course).items()}
        assert rules == {
            "text": "view",
            "video": "watch",
            "interactive": "pass",
            "lab": "flag",
        }

    def test_the_modules_api_names_the_rule(self, client_of, mixed_course):
        response = client_of.get(f"/api/v1/courses/{mixed_course.pk}/modules")
        assert response.status_code == 200
        rules = [m["completion"] for m in response.json()["data"]]
        assert rules == ["view", "watch", "pass", "flag"]

    @pytest.mark.parametrize(
        ("kind", "rule"), [("lab", "view"), ("text", "watch"), ("interactive", "view")]
    )
    def test_a_rule_the_kind_does_not_allow_is_400(
        self, instructor, mixed_course, kind, rule
    ):
        client = APIClient()
        signed_in(client, instructor)
        response = client.post(
            f"/api/v1/courses/{mixed_course.pk}/modules",
            {"title": "Odd", "content_type": kind, "duration": 5, "completion": rule},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "completion"


class TestByHand:
    def test_a_view_module_is_marked_complete(self, client_of, mixed_course, learner):
        reading = modules(mixed_course)["text"]
        response = progress(client_of, mixed_course, reading, completed=True)
        assert response.status_code == 200
        assert is_done(learner, reading)
        # ...and marked not done again.
        response = progress(client_of, mixed_course, reading, completed=False)
        assert response.status_code == 200
        assert not is_done(learner, reading)

    @pytest.mark.parametrize(
        ("kind", "code"),
        [
            ("interactive", "COMPLETION_BY_ASSESSMENT"),
            ("lab", "COMPLETION_BY_FLAGS"),
            ("video", "COMPLETION_REQUIRES_WATCHING"),
        ],
    )
    def test_other_modules_refuse_mark_complete(
        self, client_of, mixed_course, learner, kind, code
    ):
        module = modules(mixed_course)[kind]
        response = progress(client_of, mixed_course, module, completed=True)
        assert response.status_code == 409
        assert error_code(response) == code
        assert response.json()["status"] == "error"
        assert not is_done(learner, module)

    def test_marking_everything_gives_no_certificate(
        self, client_of, mixed_course, learner
    ):
        for module in modules(mixed_course).values():
            progress(client_of, mixed_course, module, completed=True)
        enrollment = Enrollment.objects.get(user=learner, course=mixed_course)
        assert enrollment.status == "active"
        assert enrollment.progress_percentage == 25
        assert not Certificate.objects.filter(user=learner).exists()

    def test_the_page_offers_mark_complete_only_on_view_modules(
        self, client, home_page, mixed_course, learner
    ):
        client.force_login(learner)
        for kind, module in modules(mixed_course).items():
            html = client.get(module.url).content.decode()
            assert ("Mark complete" in html) == (kind == "text"), kind

    def test_the_page_refuses_completing_a_lab_by_hand(
        self, client, home_page, mixed_course, learner
    ):
        lab = modules(mixed_course)["lab"]
        client.force_login(learner)
        response = client.post(f"/learn/modules/{lab.pk}/complete/", follow=True)
        assert "capturing every one of its flags" in response.content.decode()
        assert not is_done(learner, lab)


class TestWatch:
    def test_watching_95_percent_completes_the_module(
        self, client_of, mixed_course, learner
    ):
        clip = modules(mixed_course)["video"]
        response = progress(client_of, mixed_course, clip, time_spent=60)
        assert response.json()["data"]["module"]["completed"] is False
        refused = progress(client_of, mixed_course, clip, completed=True)
        assert refused.status_code == 409
        response = progress(client_of, mixed_course, clip, time_spent=35)
        assert response.status_code == 200
        assert response.json()["data"]["module"]["completed"] is True
        assert is_done(learner, clip)

    def test_a_video_of_unknown_length_is_marked_by_hand(
        self, client_of, mixed_course, learner, video
    ):
        VideoAsset.objects.filter(pk=video.pk).update(
            status=VideoStatus.PROCESSING, duration=None
        )
        clip = modules(mixed_course)["video"]
        assert (
            progress(client_of, mixed_course, clip, time_spent=5).json()["data"][
                "module"
            ]["completed"]
            is False
        )
        response = progress(client_of, mixed_course, clip, completed=True)
        assert response.status_code == 200


class TestPass:
    def test_passing_the_quiz_completes_the_module(
        self, client_of, mixed_course, learner
    ):
        quiz = modules(mixed_course)["interactive"]
        failed = take(client_of, quiz, {"q1": 0, "q2": False})
        assert failed.json()["data"]["passed"] is False
        assert not is_done(learner, quiz)
        passed = take(client_of, quiz, {"q1": 1, "q2": False})
        assert passed.json()["data"]["passed"] is True
        assert is_done(learner, quiz)
        # Not undone by hand either.
        response = progress(client_of, mixed_course, quiz, completed=False)
        assert response.status_code == 409
        assert is_done(learner, quiz)


class TestFlags:
    def test_some_flags_do_not_complete_the_lab(self, client_of, mixed_course, learner):
        lab = modules(mixed_course)["lab"]
        response = take(client_of, lab, {"f1": FLAGS[0], "f2": "FLAG{guess}"})
        # 50 % passes the lab's score, but a flag is missing.
        assert response.json()["data"]["passed"] is True
        assert not is_done(learner, lab)

    def test_every_flag_completes_the_lab(self, client_of, mixed_course, learner):
        lab = modules(mixed_course)["lab"]
        take(client_of, lab, {"f1": FLAGS[0], "f2": FLAGS[1]})
        assert is_done(learner, lab)


class TestTheRealPath:
    def test_doing_the_work_completes_the_course_and_issues_the_certificate(
        self, client_of, mixed_course, learner, django_capture_on_commit_callbacks
    ):
        found = modules(mixed_course)
        progress(client_of, mixed_course, found["text"], completed=True)
        progress(client_of, mixed_course, found["video"], time_spent=96)
        take(client_of, found["interactive"], {"q1": 1, "q2": False})
        with django_capture_on_commit_callbacks(execute=True):
            take(client_of, found["lab"], {"f1": FLAGS[0], "f2": FLAGS[1]})
        enrollment = Enrollment.objects.get(user=learner, course=mixed_course)
        assert enrollment.status == "completed"
        assert Certificate.objects.filter(user=learner, course=mixed_course).exists()

    def test_another_learner_gains_nothing(self, client_of, mixed_course, learner):
        other = UserFactory()
        enrollment_create(actor=other, course_id=mixed_course.pk)
        take(client_of, modules(mixed_course)["lab"], {"f1": FLAGS[0], "f2": FLAGS[1]})
        assert not is_done(other, modules(mixed_course)["lab"])

    def test_continue_opens_the_first_unfinished_module(
        self, client, home_page, mixed_course, learner
    ):
        found = modules(mixed_course)
        client_api = APIClient()
        signed_in(client_api, learner)
        progress(client_api, mixed_course, found["text"], completed=True)
        client.force_login(learner)
        html = client.get(mixed_course.url).content.decode()
        before_continue = html.split("Continue learning")[0]
        assert before_continue.rstrip().endswith(f'href="{found["video"].url}">')
        # The outline marks the done module.
        assert html.count('class="done-mark"') == 1

"""Authoring assessments in the Wagtail admin: the block question editor, the same
validation as the API, write-only flags, course scoping, retiring."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.test.utils.form_data import nested_form_data, streamfield

from assessments.cms.blocks import (
    QuestionStreamBlock,
    stream_data_from_questions,
    stream_validation_error,
)
from assessments.models import Assessment
from assessments.questions import flag_matches
from assessments.services import assessment_create, attempt_submit
from content.services import course_create, module_create
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from tests.assessments.conftest import FLAG, QUESTIONS
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "assessments:add"


# --- Helpers ------------------------------------------------------------------------


def listblock(items) -> dict:
    """A ListBlock's form data (the same shape as a stream's, without types)."""
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i)}
        for i, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def block_value(value: dict) -> dict:
    """A question block's stream data as the editor posts it (lists as ListBlocks,
    booleans as a checkbox, choices as a ListBlock of structs)."""
    posted = {}
    for key, item in value.items():
        if isinstance(item, list):
            posted[key] = listblock(
                [block_value(v) if isinstance(v, dict) else str(v) for v in item]
            )
        elif isinstance(item, bool):
            if item:
                posted[key] = "on"
        elif item is None:
            posted[key] = ""
        else:
            posted[key] = str(item)
    return posted


def question_blocks(questions) -> list[tuple[str, dict]]:
    """Stored or authored questions as (block type, posted value) pairs."""
    blocks = []
    for item in stream_data_from_questions(questions):
        blocks.append((item["type"], block_value(item["value"])))
    return blocks


def form_data(course, blocks, **overrides) -> dict:
    fields = {
        "title": "Packet capture quiz",
        "course": str(course.pk),
        "module": "",
        "assessment_type": "quiz",
        "questions": streamfield(blocks),
        "passing_score": "70",
        "max_attempts": "3",
        "time_limit": "",
        "pool_size": "",
        "opens_at": "",
        "closes_at": "",
        "lab_instructions": "",
    }
    fields.update(overrides)
    return nested_form_data({k: v for k, v in fields.items() if v is not None})


def edit_url(assessment) -> str:
    return reverse("assessments:edit", args=[assessment.pk])


def fresh(assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def make_instructor():
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def other_instructor(db):
    return make_instructor()


@pytest.fixture
def other_course(other_instructor, home_page):
    return course_create(
        actor=other_instructor,
        data={
            "title": "Someone else's course",
            "description": "Not yours.",
            "category": "Networking",
            "difficulty_level": "beginner",
            "estimated_duration": 30,
            "price": "0",
        },
    )


@pytest.fixture
def other_assessment(other_instructor, other_course):
    return assessment_create(
        actor=other_instructor,
        course_id=other_course.pk,
        title="Their quiz",
        assessment_type="quiz",
        questions=QUESTIONS,
        passing_score=50,
    )


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


AUTHORED = [
    {
        "id": "q1",
        "type": "single_choice",
        "prompt": "Which port does HTTPS use?",
        "choices": ["80", "443", "22"],
        "correct": 1,
        "points": 2,
    },
    {
        "id": "q2",
        "type": "multiple_choice",
        "prompt": "Which are hashing algorithms?",
        "choices": ["AES", "SHA-256", "BLAKE2"],
        "correct": [1, 2],
        "points": 1,
    },
    {
        "id": "q3",
        "type": "true_false",
        "prompt": "TLS 1.3 is current.",
        "correct": True,
    },
    {
        "id": "q4",
        "type": "short_answer",
        "prompt": "Tool to capture packets?",
        "correct": ["Wireshark", "tcpdump"],
    },
    {
        "id": "q5",
        "type": "numeric",
        "prompt": "Bits in an IPv4 address?",
        "correct": 32,
        "tolerance": 0.5,
    },
    {"id": "q6", "type": "flag", "prompt": "Submit the flag.", "correct": FLAG},
    {"id": "q7", "type": "essay", "prompt": "Explain defence in depth.", "points": 5},
]


def authored_blocks() -> list[tuple[str, dict]]:
    blocks = question_blocks(AUTHORED)
    flag_type, flag_value = blocks[5]
    assert flag_type == "flag"
    flag_value["correct"] = FLAG  # the editor's input, write-only
    return blocks


# --- The editor ----------------------------------------------------------------------


class TestQuestionEditor:
    def test_create_page_renders_the_block_editor_with_its_media(
        self, as_instructor, course, other_course
    ):
        response = as_instructor.get(reverse(ADD_URL))

        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-controller="w-block"' in html
        assert 'id="questions"' in html
        # The block definitions the JavaScript builds the editor from.
        for block in (
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "numeric",
            "flag",
            "essay",
        ):
            assert f"&quot;{block}&quot;" in html
        assert "Leave empty to keep the current flag." in html
        # The StreamField scripts come with the form's media.
        assert "wagtailadmin/js/telepath/blocks.js" in html
        # Only the instructor's own courses are offered.
        course_field = response.context["form"].fields["course"]
        assert list(course_field.queryset) == [
            course.specific_class.objects.get(pk=course.pk)
        ]
        assert other_course.title not in html

    def test_instructor_creates_every_question_type(
        self, as_instructor, instructor, course
    ):
        response = as_instructor.post(
            reverse(ADD_URL), form_data(course, authored_blocks())
        )

        assert response.status_code == 302, response.context["form"].errors
        assessment = Assessment.objects.get(title="Packet capture quiz")
        assert assessment.course_id == course.pk
        assert assessment.created_by == instructor
        questions = {q["id"]: q for q in assessment.questions}
        assert [q["id"] for q in assessment.questions] == [
            "q1",
            "q2",
            "q3",
            "q4",
            "q5",
            "q6",
            "q7",
        ]
        assert questions["q1"] == {
            "id": "q1",
            "type": "single_choice",
            "prompt": "Which port does HTTPS use?",
            "points": 2,
            "choices": ["80", "443", "22"],
            "correct": 1,
        }
        assert questions["q2"]["correct"] == [1, 2]
        assert questions["q3"]["correct"] is True
        assert questions["q4"]["correct"] == ["Wireshark", "tcpdump"]
        assert questions["q5"]["correct"] == 32
        assert questions["q5"]["tolerance"] == 0.5
        assert questions["q7"] == {
            "id": "q7",
            "type": "essay",
            "prompt": "Explain defence in depth.",
            "points": 5,
        }
        flag = questions["q6"]
        assert "correct" not in flag
        assert flag_matches(assessment.flag_salt, flag["flag_hash"], FLAG)
        assert FLAG not in str(assessment.questions)
        assert AuditLog.objects.filter(
            action="assessment.created", resource_id=str(assessment.pk)
        ).exists()

    def test_the_apis_validation_errors_land_on_the_question(
        self, as_instructor, course
    ):
        blocks = question_blocks(AUTHORED[:1])
        for choice in blocks[0][1]["choices"].values():
            if isinstance(choice, dict):
                choice["value"].pop("correct", None)  # nothing ticked
        blocks.append(
            ("flag", block_value({"id": "q2", "prompt": "Flag?", "points": 1}))
        )

        response = as_instructor.post(reverse(ADD_URL), form_data(course, blocks))

        assert response.status_code == 200
        form = response.context["form"]
        error = form.errors.as_data()["questions"][0]
        assert isinstance(error, StreamBlockValidationError), error
        choices = error.block_errors[0].block_errors["choices"]
        assert choices.non_block_errors.as_data()[0].messages == [
            "Tick exactly one correct choice."
        ]
        assert error.block_errors[1].block_errors["correct"].messages == ["required"]
        html = response.content.decode()
        assert "Tick exactly one correct choice." in html
        assert not Assessment.objects.exists()

    def test_ids_are_generated_and_the_ticked_choice_is_correct(
        self, as_instructor, course
    ):
        blocks = question_blocks(
            [
                {**AUTHORED[0], "id": ""},
                {**AUTHORED[1], "id": ""},
                {**AUTHORED[2], "id": ""},
            ]
        )

        response = as_instructor.post(reverse(ADD_URL), form_data(course, blocks))

        assert response.status_code == 302, response.context["form"].errors
        questions = Assessment.objects.get().questions
        ids = [question["id"] for question in questions]
        assert all(ids)
        assert len(set(ids)) == 3
        assert questions[0]["correct"] == 1
        assert questions[1]["correct"] == [1, 2]
        # Editing keeps them: the hidden id goes back and forth unchanged.
        page = as_instructor.get(edit_url(Assessment.objects.get()))
        html = page.content.decode()
        for qid in ids:
            assert qid in html
        assert "Question id" not in html or "display: none" in html

    def test_two_ticks_on_a_single_choice_are_refused(self, as_instructor, course):
        blocks = question_blocks([AUTHORED[0]])
        for choice in blocks[0][1]["choices"].values():
            if isinstance(choice, dict):
                choice["value"]["correct"] = "on"

        response = as_instructor.post(reverse(ADD_URL), form_data(course, blocks))

        assert response.status_code == 200
        assert "Tick exactly one correct choice." in response.content.decode()
        assert not Assessment.objects.exists()

    def test_duplicate_ids_are_refused(self, as_instructor, course):
        blocks = question_blocks([AUTHORED[2], {**AUTHORED[2], "prompt": "Again"}])

        response = as_instructor.post(reverse(ADD_URL), form_data(course, blocks))

        assert response.status_code == 200
        error = response.context["form"].errors.as_data()["questions"][0]
        assert (
            "duplicate id 'q3'" in error.block_errors[1].block_errors["id"].messages[0]
        )
        assert not Assessment.objects.exists()

    def test_settings_are_checked_by_the_service(self, as_instructor, course):
        blocks = question_blocks(AUTHORED[:3])

        required_without_module = as_instructor.post(
            reverse(ADD_URL),
            form_data(course, blocks, required_for_completion="on"),
        )
        pool_too_big = as_instructor.post(
            reverse(ADD_URL), form_data(course, blocks, pool_size="4")
        )

        assert required_without_module.status_code == 200
        assert "module" in required_without_module.context["form"].errors
        assert pool_too_big.status_code == 200
        assert "pool_size" in pool_too_big.context["form"].errors
        assert not Assessment.objects.exists()

    def test_proctoring_is_for_exams_and_windows_close_after_opening(
        self, as_instructor, course
    ):
        blocks = question_blocks(AUTHORED[:1])

        proctored_quiz = as_instructor.post(
            reverse(ADD_URL), form_data(course, blocks, proctored="on")
        )
        backwards = as_instructor.post(
            reverse(ADD_URL),
            form_data(
                course,
                blocks,
                opens_at="2030-01-02 10:00",
                closes_at="2030-01-01 10:00",
            ),
        )

        assert proctored_quiz.context["form"].errors["proctored"] == [
            "Only exams can be proctored."
        ]
        assert "closes_at" in backwards.context["form"].errors
        assert not Assessment.objects.exists()
        proctored_exam = as_instructor.post(
            reverse(ADD_URL),
            form_data(
                course,
                blocks,
                proctored="on",
                assessment_type="exam",
                opens_at="2030-01-01 10:00",
                closes_at="2030-01-01 12:00",
            ),
        )
        assert proctored_exam.status_code == 302, proctored_exam.context["form"].errors
        assert Assessment.objects.get().proctored is True

    def test_module_must_belong_to_the_course(
        self, as_instructor, instructor, course, make_course
    ):
        second = make_course(title="Second course")
        module = module_create(
            actor=instructor, course=second, data={"title": "Elsewhere", "kind": "text"}
        )
        blocks = question_blocks(AUTHORED[:1])

        response = as_instructor.post(
            reverse(ADD_URL), form_data(course, blocks, module=str(module.pk))
        )

        assert response.status_code == 200
        assert "module" in response.context["form"].errors
        assert not Assessment.objects.exists()

    def test_an_instructor_cannot_create_in_someone_elses_course(
        self, as_instructor, other_course
    ):
        response = as_instructor.post(
            reverse(ADD_URL), form_data(other_course, question_blocks(AUTHORED[:1]))
        )

        assert response.status_code == 200
        assert "course" in response.context["form"].errors
        assert not Assessment.objects.exists()


class TestErrorMapping:
    def test_each_path_marks_its_block_field_or_list_item(self):
        block = QuestionStreamBlock()
        stream = block.to_python(
            stream_data_from_questions(
                [
                    {
                        "id": "a",
                        "type": "single_choice",
                        "prompt": "?",
                        "choices": ["x", "y"],
                        "correct": 0,
                    },
                    {"id": "b", "type": "essay", "prompt": "?"},
                ]
            )
        )
        message = (
            "questions[0].choices[1]: must be non-empty text (max 500); "
            "questions[1].tolerance: unknown field for type essay; "
            "questions[7].id: required; questions: must be a list"
        )

        error = stream_validation_error(message, stream)

        data = error.as_json_data()
        choices = data["blockErrors"][0]["blockErrors"]["choices"]
        assert choices["blockErrors"][1]["blockErrors"]["text"]["messages"] == [
            "must be non-empty text (max 500)"
        ]
        assert data["blockErrors"][1]["messages"] == [
            "tolerance: unknown field for type essay"
        ]
        assert data["messages"] == [
            "questions[7].id: required",
            "questions: must be a list",
        ]


# --- Editing -------------------------------------------------------------------------


class TestEditing:
    def test_edit_shows_the_questions_but_never_the_flag(
        self, as_instructor, make_assessment
    ):
        assessment = make_assessment()

        response = as_instructor.get(edit_url(assessment))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Which port does HTTPS use?" in html
        assert FLAG not in html
        assert assessment.questions[5]["flag_hash"] not in html
        initial = response.context["form"].initial["questions"]
        assert [child.block_type for child in initial] == [
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "numeric",
            "flag",
        ]
        # The correct choice is ticked, no index number to type.
        ticks = [choice["correct"] for choice in initial[0].value["choices"]]
        assert ticks == [False, True, False]
        assert initial[5].value["correct"] == ""

    def test_an_empty_flag_keeps_the_stored_one_and_a_new_flag_replaces_it(
        self, as_instructor, course, make_assessment
    ):
        assessment = make_assessment()
        stored_hash = assessment.questions[5]["flag_hash"]
        blocks = question_blocks(assessment.questions)
        blocks[0][1]["prompt"] = "Which TCP port does HTTPS use?"

        kept = as_instructor.post(
            edit_url(assessment), form_data(course, blocks, title="Renamed quiz")
        )

        assert kept.status_code == 302, kept.context["form"].errors
        edited = fresh(assessment)
        assert edited.title == "Renamed quiz"
        assert edited.questions[0]["prompt"] == "Which TCP port does HTTPS use?"
        assert edited.questions[0]["correct"] == 1
        assert edited.questions[5]["flag_hash"] == stored_hash
        assert edited.questions[1]["correct"] == [1, 3]  # unchanged round trip
        assert AuditLog.objects.filter(
            action="assessment.updated", resource_id=str(assessment.pk)
        ).exists()

        blocks[5][1]["correct"] = "FLAG{rotated}"
        replaced = as_instructor.post(edit_url(assessment), form_data(course, blocks))

        assert replaced.status_code == 302
        new_hash = fresh(assessment).questions[5]["flag_hash"]
        assert new_hash != stored_hash
        assert flag_matches(assessment.flag_salt, new_hash, "FLAG{rotated}")

    def test_a_renamed_flag_question_needs_its_flag(
        self, as_instructor, course, make_assessment
    ):
        assessment = make_assessment()
        blocks = question_blocks(assessment.questions)
        blocks[5][1]["id"] = "q6-renamed"

        response = as_instructor.post(edit_url(assessment), form_data(course, blocks))

        assert response.status_code == 200
        error = response.context["form"].errors.as_data()["questions"][0]
        assert error.block_errors[5].block_errors["correct"].messages == ["required"]
        assert fresh(assessment).questions == assessment.questions

    def test_edit_runs_the_same_validation(
        self, as_instructor, course, make_assessment
    ):
        assessment = make_assessment()
        blocks = question_blocks(assessment.questions)
        for choice in blocks[1][1]["choices"].values():
            if isinstance(choice, dict):
                choice["value"].pop("correct", None)

        response = as_instructor.post(edit_url(assessment), form_data(course, blocks))

        assert response.status_code == 200
        error = response.context["form"].errors.as_data()["questions"][0]
        choices = error.block_errors[1].block_errors["choices"]
        assert choices.non_block_errors.as_data()[0].messages == [
            "Tick at least one correct choice."
        ]
        assert fresh(assessment).questions == assessment.questions


# --- Who sees what -------------------------------------------------------------------


class TestScoping:
    def test_another_instructors_assessment_is_not_found(
        self, as_instructor, course, other_assessment
    ):
        pk = other_assessment.pk
        before = fresh(other_assessment)
        for name in ("edit", "delete", "history", "results", "retire", "restore"):
            url = reverse(f"assessments:{name}", args=[pk])
            assert as_instructor.get(url).status_code == 404, name
            assert as_instructor.post(url, {}).status_code == 404, name
        response = as_instructor.post(
            edit_url(other_assessment),
            form_data(course, question_blocks(AUTHORED[:1]), title="Mine now"),
        )
        assert response.status_code == 404
        after = fresh(other_assessment)
        assert (after.title, after.questions, after.archived_at) == (
            before.title,
            before.questions,
            before.archived_at,
        )

    def test_listing_shows_only_own_assessments_to_instructors_and_all_to_admins(
        self, client, instructor, admin_user, make_assessment, other_assessment
    ):
        mine = make_assessment(title="My quiz")

        client.force_login(instructor)
        listing = client.get(reverse("assessments:index"))
        assert listing.status_code == 200
        titles = [a.title for a in listing.context["object_list"]]
        assert titles == ["My quiz"]
        assert mine.title in listing.content.decode()
        assert other_assessment.title not in listing.content.decode()

        client.force_login(admin_user)
        listing = client.get(reverse("assessments:index"))
        assert {a.title for a in listing.context["object_list"]} == {
            "My quiz",
            "Their quiz",
        }
        assert client.get(edit_url(other_assessment)).status_code == 200

    def test_menu_offers_assessments_and_grading_to_instructors(self, as_instructor):
        html = as_instructor.get(reverse("wagtailadmin_home")).content.decode()

        assert reverse("assessments:index") in html
        assert reverse("assessments_grading_queue") in html

    def test_learners_cannot_open_the_authoring_views(
        self, client, learner, make_assessment
    ):
        assessment = make_assessment()
        client.force_login(learner)

        index = client.get(reverse("assessments:index"))
        edit = client.get(edit_url(assessment))

        # A signed-in learner gets a clear 403 page, not a redirect to sign in
        # (which looped: issue 14).
        assert index.status_code == 403
        assert edit.status_code == 403

    def test_listing_counts_attempts_and_pass_rate_in_bounded_queries(
        self, as_instructor, course, make_assessment
    ):
        def listing_queries():
            with CaptureQueriesContext(connection) as queries:
                response = as_instructor.get(reverse("assessments:index"))
            assert response.status_code == 200
            return len(queries), response

        first = make_assessment(title="First")
        few, _ = listing_queries()
        learners = [UserFactory() for _ in range(3)]
        for user in learners:
            enrollment_create(actor=user, course_id=course.pk)
        answers = {"q1": 1, "q2": [1, 3], "q3": False, "q4": "tcpdump", "q5": 32}
        attempt_submit(actor=learners[0], assessment_id=first.pk, answers=answers)
        attempt_submit(actor=learners[1], assessment_id=first.pk, answers={"q1": 0})
        for n in range(4):
            make_assessment(title=f"More {n}")

        many, response = listing_queries()

        assert many == few
        html = response.content.decode()
        row = next(a for a in response.context["object_list"] if a.pk == first.pk)
        assert row.attempt_count == 2
        assert (row.passed_count, row.decided_count) == (1, 2)
        assert "50%" in html


# --- Retiring and deleting ----------------------------------------------------------


class TestRetire:
    def test_an_assessment_with_attempts_is_retired_not_deleted(
        self, as_instructor, learner, make_assessment
    ):
        assessment = make_assessment()
        attempt_submit(actor=learner, assessment_id=assessment.pk, answers={"q1": 1})
        delete_url = reverse("assessments:delete", args=[assessment.pk])
        retire_url = reverse("assessments:retire", args=[assessment.pk])

        assert as_instructor.get(delete_url)["Location"] == retire_url
        assert as_instructor.post(delete_url)["Location"] == retire_url
        assert Assessment.objects.filter(pk=assessment.pk).exists()

        edit_html = as_instructor.get(edit_url(assessment)).content.decode()
        assert delete_url not in edit_html
        assert retire_url in edit_html

        assert as_instructor.get(retire_url).status_code == 200
        assert fresh(assessment).archived_at is None  # GET changes nothing
        response = as_instructor.post(retire_url)

        assert response.status_code == 302
        assert fresh(assessment).archived_at is not None
        assert fresh(assessment).attempts.count() == 1

        restore_url = reverse("assessments:restore", args=[assessment.pk])
        listing = as_instructor.get(reverse("assessments:index")).content.decode()
        assert restore_url in listing
        as_instructor.post(restore_url)
        assert fresh(assessment).archived_at is None

    def test_an_assessment_without_attempts_can_be_deleted(
        self, as_instructor, make_assessment
    ):
        assessment = make_assessment()
        delete_url = reverse("assessments:delete", args=[assessment.pk])

        assert as_instructor.get(delete_url).status_code == 200
        response = as_instructor.post(delete_url)

        assert response.status_code == 302
        assert not Assessment.objects.filter(pk=assessment.pk).exists()
        assert AuditLog.objects.filter(
            action="assessment.deleted", resource_id=str(assessment.pk)
        ).exists()


# --- In a real browser --------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
class TestQuestionEditorInTheBrowser:
    def test_instructor_builds_a_quiz_with_the_block_editor(
        self, browser_page, live_server, instructor, course
    ):
        from playwright.sync_api import expect

        from tests.portal.factories import PASSWORD

        base = live_server.url
        page = browser_page
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(instructor.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        expect(page).to_have_url(f"{base}/learn/")

        page.goto(f"{base}{reverse(ADD_URL)}")
        page.locator("#id_title").fill("Browser quiz")
        page.locator("#id_course").select_option(str(course.pk))
        page.locator("#id_passing_score").fill("50")
        # The empty stream offers its block types through the "+" button.
        page.locator("#questions-root .c-sf-add-button").click()
        page.get_by_role("option", name="True or false").click()
        # No id to type: it is generated on save and carried hidden.
        expect(page.locator("#questions-0-value-id")).to_be_hidden()
        page.locator("#questions-0-value-prompt").fill("Port 443 carries HTTPS.")
        page.locator("#questions-0-value-correct").check()
        page.get_by_role("button", name="Create").click()

        expect(page).to_have_url(f"{base}{reverse('assessments:index')}")
        assessment = Assessment.objects.get(title="Browser quiz")
        generated = assessment.questions[0]["id"]
        assert generated.startswith("q-")
        assert assessment.questions == [
            {
                "id": generated,
                "type": "true_false",
                "prompt": "Port 443 carries HTTPS.",
                "points": 1,
                "correct": True,
            }
        ]

        # Editing rebuilds the blocks from the stored questions.
        page.goto(f"{base}{edit_url(assessment)}")
        expect(page.locator("#questions-0-value-prompt")).to_have_value(
            "Port 443 carries HTTPS."
        )
        expect(page.locator("#questions-0-value-correct")).to_be_checked()

        # A choice question's answer is the ticked choice, not a typed number.
        quiz = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Choice quiz",
            assessment_type="quiz",
            questions=[AUTHORED[0]],
            passing_score=50,
        )
        page.goto(f"{base}{edit_url(quiz)}")
        expect(page.locator("#questions-0-value-choices-1-value-text")).to_have_value(
            "443"
        )
        expect(
            page.locator("#questions-0-value-choices-1-value-correct")
        ).to_be_checked()
        expect(
            page.locator("#questions-0-value-choices-0-value-correct")
        ).not_to_be_checked()
        page.locator("#questions-0-value-choices-0-value-correct").check()
        page.locator("#questions-0-value-choices-1-value-correct").uncheck()
        page.get_by_role("button", name="Save").click()
        expect(page).to_have_url(f"{base}{reverse('assessments:index')}")
        assert Assessment.objects.get(pk=quiz.pk).questions[0]["correct"] == 0

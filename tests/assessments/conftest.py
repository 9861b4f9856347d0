import pytest

from assessments.services import assessment_create
from learning.services import enrollment_create
from tests.learning import conftest as learning_fixtures
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

# The learning app's fixtures, reused by name (a non-root conftest may not declare
# pytest_plugins).
admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor
make_course = learning_fixtures.make_course
course = learning_fixtures.course
student = learning_fixtures.student

FLAG = "FLAG{s3cr3t-l4b-fl4g}"

QUESTIONS = [
    {
        "id": "q1",
        "type": "single_choice",
        "prompt": "Which port does HTTPS use?",
        "choices": ["80", "443", "22"],
        "correct": 1,
    },
    {
        "id": "q2",
        "type": "multiple_choice",
        "prompt": "Which are hashing algorithms?",
        "choices": ["AES", "SHA-256", "RSA", "BLAKE2"],
        "correct": [1, 3],
        "points": 2,
    },
    {"id": "q3", "type": "true_false", "prompt": "TLS 1.0 is safe.", "correct": False},
    {
        "id": "q4",
        "type": "short_answer",
        "prompt": "Tool to capture packets?",
        "correct": ["Wireshark", "tcpdump"],
    },
    {
        "id": "q5",
        "type": "numeric",
        "prompt": "Bits in an IPv4 address, give or take?",
        "correct": 32,
        "tolerance": 0.5,
    },
    {"id": "q6", "type": "flag", "prompt": "Submit the lab flag.", "correct": FLAG},
]

RIGHT = {"q1": 1, "q2": [3, 1], "q3": False, "q4": "  wIRESHARK ", "q5": 32.5}


@pytest.fixture
def learner(course):
    user = UserFactory()
    enrollment_create(actor=user, course_id=course.pk)
    return user


@pytest.fixture
def make_assessment(course, instructor):
    def make(questions=None, **fields):
        data = {
            "title": "Network basics quiz",
            "assessment_type": "quiz",
            "questions": QUESTIONS if questions is None else questions,
            "passing_score": 70,
            "max_attempts": 3,
            **fields,
        }
        return assessment_create(actor=instructor, course_id=course.pk, **data)

    return make


@pytest.fixture
def learner_client(api_client, learner):
    signed_in(api_client, learner)
    return api_client

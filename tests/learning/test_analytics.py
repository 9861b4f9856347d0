"""Analytics endpoints: figures against hand-built data, scoping from every role's
side, and query counts that do not grow with the number of enrollments."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import ModulePage
from content.services import course_create, course_publish, module_create
from corporate.models import Organization, OrganizationMembership
from corporate.services import organization_member_add
from learning.models import Enrollment, LearningSession
from learning.services import (
    enrollment_cancel,
    enrollment_create,
    mentor_assign,
    mentor_unassign,
    module_progress_record,
)
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/analytics/dashboard"


def course_url(course) -> str:
    return f"/api/v1/analytics/courses/{course.pk}"


def user_url(user) -> str:
    return f"/api/v1/analytics/users/{user.pk}"


def get(client, viewer, path):
    signed_in(client, viewer)
    return client.get(path)


def data_of(client, viewer, path) -> dict:
    response = get(client, viewer, path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


def error_code(response) -> str:
    return response.json()["errors"][0]["code"]


def modules_of(course) -> list[ModulePage]:
    return list(ModulePage.objects.child_of(course).live().order_by("path"))


def record(user, course, module, **fields):
    return module_progress_record(
        actor=user, course_id=course.pk, module_id=module.pk, **fields
    )


def new_instructor():
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


def taught_course(*, instructor, admin, title, modules):
    course = course_create(
        actor=instructor,
        data={
            "title": title,
            "description": "Offensive basics.",
            "category": "Offense",
            "difficulty_level": "beginner",
            "estimated_duration": 30,
            "price": "0",
        },
    )
    for name, mandatory in modules:
        module_create(
            actor=instructor,
            course=course,
            data={
                "title": name,
                "kind": "text",
                "duration": 5,
                "is_mandatory": mandatory,
            },
        )
    return course_publish(actor=admin, course=course)


def representative_of(organization):
    rep = UserFactory(role=Role.CORPORATE_REP)
    organization_member_add(
        organization=organization,
        user=rep,
        role=OrganizationMembership.Role.REPRESENTATIVE,
    )
    return rep


@pytest.fixture
def world(course, instructor, admin_user):
    """Course A (``instructor``: Intro and Firewalls mandatory, Extra optional) and
    course B (another instructor: Recon and Exploit mandatory).

    s1: A completed (Intro 100 s, Firewalls 200 s), then enrolled in B, no activity.
    s2: A, Intro completed (50 s) → 50 %.
    s3: A, Intro completed (40 s), then cancelled; last seen ten days ago.
    s5: A, no progress; a learning session three days ago.
    s4: B, 30 s on Recon, nothing completed → started at 0 %.
    Acme (rep_acme): s1, s2. Globex (rep_globex): s4. mentor mentors s4.
    """
    other_instructor = new_instructor()
    course_b = taught_course(
        instructor=other_instructor,
        admin=admin_user,
        title="Red Team Basics",
        modules=(("Recon", True), ("Exploit", True)),
    )
    intro, firewalls, extra = modules_of(course)
    recon, _exploit = modules_of(course_b)
    s1, s2, s3, s4, s5 = (UserFactory() for _ in range(5))
    now = timezone.now()

    for learner in (s1, s2, s3, s5):
        enrollment_create(actor=learner, course_id=course.pk)
    record(s1, course, intro, completed=True, time_spent=100)
    record(s1, course, firewalls, completed=True, time_spent=200)
    record(s2, course, intro, completed=True, time_spent=50)
    record(s3, course, intro, completed=True, time_spent=40)
    enrollment_cancel(
        enrollment=Enrollment.objects.get(user=s3, course=course), actor=s3
    )
    long_ago = now - timedelta(days=10)
    LearningSession.objects.filter(user=s3).update(
        started_at=long_ago, ended_at=long_ago
    )
    Enrollment.objects.filter(user=s3).update(last_accessed=long_ago)
    LearningSession.objects.create(
        user=s5,
        course=course,
        started_at=now - timedelta(days=3, minutes=5),
        ended_at=now - timedelta(days=3),
        time_spent=0,
    )
    enrollment_create(actor=s4, course_id=course_b.pk)
    record(s4, course_b, recon, time_spent=30)
    enrollment_create(actor=s1, course_id=course_b.pk)

    acme = Organization.objects.create(name="Acme", slug="acme")
    globex = Organization.objects.create(name="Globex", slug="globex")
    rep_acme, rep_globex = representative_of(acme), representative_of(globex)
    for member, organization in ((s1, acme), (s2, acme), (s4, globex)):
        organization_member_add(organization=organization, user=member)
    mentor = UserFactory(role=Role.MENTOR)
    assignment = mentor_assign(mentor=mentor, mentee=s4)

    return SimpleNamespace(
        admin=admin_user,
        instructor=instructor,
        other_instructor=other_instructor,
        course_a=course,
        course_b=course_b,
        modules_a=(intro, firewalls, extra),
        s1=s1,
        s2=s2,
        s3=s3,
        s4=s4,
        s5=s5,
        rep_acme=rep_acme,
        rep_globex=rep_globex,
        mentor=mentor,
        assignment=assignment,
    )


def dashboard(scope, *, totals, active, enrollments, rate, progress, seconds):
    learners, courses, enrolled, completions = totals
    return {
        "scope": scope,
        "totals": {
            "learners": learners,
            "courses": courses,
            "enrollments": enrolled,
            "completions": completions,
        },
        "active_learners": {"last_24h": active[0], "last_7d": active[1]},
        "enrollments": dict(
            zip(("active", "completed", "cancelled"), enrollments, strict=True)
        ),
        "completion_rate": rate,
        "average_progress": progress,
        "time_spent_seconds": seconds,
    }


class TestDashboard:
    def test_admin_sees_the_whole_platform(self, api_client, world):
        assert data_of(api_client, world.admin, DASHBOARD) == dashboard(
            "platform",
            totals=(5, 2, 6, 1),
            active=(3, 4),  # s1, s2, s4 today; s5 three days ago; s3 too long ago
            enrollments=(4, 1, 1),
            rate=0.2,  # 1 completed of 5 not cancelled
            progress=30.0,  # (100 + 50 + 0 + 0 + 0) / 5
            seconds=420,
        )

    def test_instructor_sees_only_her_courses(self, api_client, world):
        assert data_of(api_client, world.instructor, DASHBOARD) == dashboard(
            "instructor",
            totals=(4, 1, 4, 1),
            active=(2, 3),
            enrollments=(2, 1, 1),
            rate=0.3333,
            progress=50.0,  # s3 is cancelled and left out
            seconds=390,  # includes the 40 s s3 spent before leaving
        )

    def test_the_other_instructor_sees_only_hers(self, api_client, world):
        # s1 is active today, but in course A: not activity in course B.
        assert data_of(api_client, world.other_instructor, DASHBOARD) == dashboard(
            "instructor",
            totals=(2, 1, 2, 0),
            active=(1, 1),
            enrollments=(2, 0, 0),
            rate=0.0,
            progress=0.0,
            seconds=30,
        )

    def test_corporate_rep_sees_only_her_organization(self, api_client, world):
        assert data_of(api_client, world.rep_acme, DASHBOARD) == dashboard(
            "organization",
            totals=(2, 2, 3, 1),
            active=(2, 2),
            enrollments=(2, 1, 0),
            rate=0.3333,
            progress=50.0,
            seconds=350,
        )
        globex = data_of(api_client, world.rep_globex, DASHBOARD)
        assert globex["totals"] == {
            "learners": 1,
            "courses": 1,
            "enrollments": 1,
            "completions": 0,
        }
        assert globex["time_spent_seconds"] == 30

    def test_mentor_sees_only_mentees_while_assigned(self, api_client, world):
        assert data_of(api_client, world.mentor, DASHBOARD) == dashboard(
            "mentees",
            totals=(1, 1, 1, 0),
            active=(1, 1),
            enrollments=(1, 0, 0),
            rate=0.0,
            progress=0.0,
            seconds=30,
        )
        mentor_unassign(assignment=world.assignment)
        assert data_of(api_client, world.mentor, DASHBOARD) == dashboard(
            "mentees",
            totals=(0, 0, 0, 0),
            active=(0, 0),
            enrollments=(0, 0, 0),
            rate=0.0,
            progress=0.0,
            seconds=0,
        )

    def test_student_is_forbidden(self, api_client, world):
        response = get(api_client, world.s1, DASHBOARD)
        assert response.status_code == 403
        assert error_code(response) == "PERMISSION_DENIED"
        assert response.json()["data"] is None

    def test_anonymous_is_not_authenticated(self, api_client, world):
        response = api_client.get(DASHBOARD)
        assert response.status_code == 401
        assert error_code(response) == "NOT_AUTHENTICATED"

    def test_trailing_slash_and_envelope(self, api_client, world):
        response = get(api_client, world.admin, DASHBOARD + "/")
        assert response.status_code == 200
        body = response.json()
        assert body["errors"] == []
        assert body["meta"]["version"] == "v1"


def module_row(module, order, completions, rate, average):
    return {
        "module_id": module.pk,
        "title": module.title,
        "order": order,
        "is_mandatory": module.is_mandatory,
        "completions": completions,
        "completion_rate": rate,
        "average_time_spent": average,
    }


class TestCourseAnalytics:
    def test_owner_sees_funnel_modules_and_time(self, api_client, world):
        intro, firewalls, extra = world.modules_a
        data = data_of(api_client, world.instructor, course_url(world.course_a))
        assert data == {
            "course": {"id": world.course_a.pk, "title": world.course_a.title},
            # s3 cancelled: left out of the funnel, the modules and the time.
            "funnel": {"enrolled": 3, "started": 2, "halfway": 2, "completed": 1},
            "modules": [
                module_row(intro, 1, 2, 0.6667, 75.0),
                module_row(firewalls, 2, 1, 0.3333, 200.0),
                module_row(extra, 3, 0, 0.0, 0.0),
            ],
            "time_spent": {"total_seconds": 350, "average_per_learner_seconds": 116.67},
            "assessments": [],
        }

    def test_a_progress_row_counts_as_started(self, api_client, world):
        data = data_of(api_client, world.admin, course_url(world.course_b))
        assert data["funnel"] == {
            "enrolled": 2,
            "started": 1,
            "halfway": 0,
            "completed": 0,
        }
        assert data["time_spent"] == {
            "total_seconds": 30,
            "average_per_learner_seconds": 15.0,
        }
        assert [m["completions"] for m in data["modules"]] == [0, 0]
        assert data["modules"][0]["average_time_spent"] == 30.0

    def test_admin_sees_what_the_owner_sees(self, api_client, world):
        owner = data_of(api_client, world.instructor, course_url(world.course_a))
        assert data_of(api_client, world.admin, course_url(world.course_a)) == owner

    def test_another_instructor_is_forbidden(self, api_client, world):
        response = get(api_client, world.other_instructor, course_url(world.course_a))
        assert response.status_code == 403
        assert error_code(response) == "PERMISSION_DENIED"
        response = get(api_client, world.instructor, course_url(world.course_b))
        assert response.status_code == 403

    @pytest.mark.parametrize("viewer", ["s1", "rep_acme", "mentor"])
    def test_learners_reps_and_mentors_are_forbidden(self, api_client, world, viewer):
        response = get(api_client, getattr(world, viewer), course_url(world.course_a))
        assert response.status_code == 403

    def test_a_draft_is_not_found_for_others(self, api_client, world, make_course):
        draft = make_course(title="Unreleased", publish=False)
        for viewer in (world.other_instructor, world.s1):
            response = get(api_client, viewer, course_url(draft))
            assert response.status_code == 404
            assert error_code(response) == "NOT_FOUND"
        data = data_of(api_client, world.instructor, course_url(draft))
        assert data["funnel"] == {
            "enrolled": 0,
            "started": 0,
            "halfway": 0,
            "completed": 0,
        }
        assert data["modules"] == []  # no live modules yet
        assert data["time_spent"]["average_per_learner_seconds"] == 0.0

    def test_missing_course_is_not_found(self, api_client, world):
        response = get(api_client, world.admin, "/api/v1/analytics/courses/999999999")
        assert response.status_code == 404


class TestUserAnalytics:
    def test_own_analytics_through_me(self, api_client, world):
        data = data_of(api_client, world.s1, "/api/v1/analytics/users/me")
        assert data["user"] == {"id": world.s1.pk, "name": world.s1.get_full_name()}
        assert data["time_spent_seconds"] == 300
        assert data["completed_courses"] == 1
        assert data["assessment_history"] == []
        latest, first = data["courses"]  # newest enrollment first
        assert {k: latest[k] for k in latest if k != "enrolled_at"} == {
            "course_id": world.course_b.pk,
            "title": world.course_b.title,
            "status": "active",
            "progress_percentage": 0.0,
            "time_spent_seconds": 0,
            "completed_at": None,
            "last_accessed": None,
        }
        assert first["course_id"] == world.course_a.pk
        assert first["status"] == "completed"
        assert first["progress_percentage"] == 100.0
        assert first["time_spent_seconds"] == 300
        assert first["completed_at"] is not None
        assert first["last_accessed"] is not None

    def test_a_cancelled_course_keeps_its_history(self, api_client, world):
        data = data_of(api_client, world.admin, user_url(world.s3))
        [row] = data["courses"]
        assert (row["status"], row["time_spent_seconds"]) == ("cancelled", 40)
        assert data["completed_courses"] == 0
        assert data["time_spent_seconds"] == 40

    def test_admin_sees_anyone(self, api_client, world):
        data = data_of(api_client, world.admin, user_url(world.s4))
        assert data["time_spent_seconds"] == 30
        assert [c["course_id"] for c in data["courses"]] == [world.course_b.pk]

    def test_mentor_sees_mentee_only(self, api_client, world):
        assert data_of(api_client, world.mentor, user_url(world.s4))["user"] == {
            "id": world.s4.pk,
            "name": world.s4.get_full_name(),
        }
        assert get(api_client, world.mentor, user_url(world.s1)).status_code == 404
        mentor_unassign(assignment=world.assignment)
        assert get(api_client, world.mentor, user_url(world.s4)).status_code == 404

    def test_rep_sees_her_members_only(self, api_client, world):
        data = data_of(api_client, world.rep_acme, user_url(world.s2))
        assert data["time_spent_seconds"] == 50
        for outsider in (world.s4, world.s5):
            response = get(api_client, world.rep_acme, user_url(outsider))
            assert response.status_code == 404
            assert error_code(response) == "NOT_FOUND"
        assert get(api_client, world.rep_globex, user_url(world.s1)).status_code == 404

    def test_student_cannot_see_another_learner(self, api_client, world):
        response = get(api_client, world.s1, user_url(world.s2))
        assert response.status_code == 404
        assert error_code(response) == "NOT_FOUND"

    def test_instructor_cannot_see_her_learner_here(self, api_client, world):
        assert get(api_client, world.instructor, user_url(world.s1)).status_code == 404

    def test_unknown_and_absurd_ids_are_not_found(self, api_client, world):
        for user_id in ("999999999", "99999999999999999999"):
            path = f"/api/v1/analytics/users/{user_id}"
            assert get(api_client, world.admin, path).status_code == 404


class TestQueryCounts:
    """The query count is measured on two enrollments, then must hold for ten."""

    @pytest.fixture
    def grow(self, course):
        intro, firewalls, _extra = modules_of(course)

        def add(count, organization=None):
            for _ in range(count):
                learner = UserFactory()
                enrollment_create(actor=learner, course_id=course.pk)
                record(learner, course, intro, completed=True, time_spent=60)
                record(learner, course, firewalls, time_spent=15)
                if organization is not None:
                    organization_member_add(organization=organization, user=learner)

        return add

    def queries_of(self, client, path) -> int:
        client.get(path)  # warm caches (content types, sessions) first
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    def assert_stable(self, client, path, grow, django_assert_max_num_queries, **kw):
        grow(2, **kw)
        small = self.queries_of(client, path)
        grow(8, **kw)
        with django_assert_max_num_queries(small):
            response = client.get(path)
        assert response.status_code == 200
        return response.json()["data"]

    def test_dashboard_for_admin(
        self, api_client, admin_user, grow, django_assert_max_num_queries
    ):
        signed_in(api_client, admin_user)
        data = self.assert_stable(
            api_client, DASHBOARD, grow, django_assert_max_num_queries
        )
        assert data["totals"]["enrollments"] == 10
        assert data["time_spent_seconds"] == 10 * 75

    def test_dashboard_for_corporate_rep(
        self, api_client, grow, django_assert_max_num_queries
    ):
        organization = Organization.objects.create(name="Initech", slug="initech")
        rep = representative_of(organization)
        signed_in(api_client, rep)
        data = self.assert_stable(
            api_client,
            DASHBOARD,
            grow,
            django_assert_max_num_queries,
            organization=organization,
        )
        assert data["totals"]["learners"] == 10

    def test_course_analytics(
        self, api_client, course, instructor, grow, django_assert_max_num_queries
    ):
        signed_in(api_client, instructor)
        data = self.assert_stable(
            api_client, course_url(course), grow, django_assert_max_num_queries
        )
        assert data["funnel"]["enrolled"] == 10
        assert [m["completions"] for m in data["modules"]] == [10, 0, 0]

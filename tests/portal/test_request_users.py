"""The user of an API request is kept in the process between requests
(``portal.accounts.request_users``) and read again once it changed, in this process
or, through the generation in the state cache, in another one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts import request_users
from portal.accounts.models import Role, User
from portal.state import state_cache
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def _user_reads(queries) -> list[str]:
    table = User._meta.db_table
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def _signed_in_learner(api_client):
    user = UserFactory(role=Role.STUDENT)
    signed_in(api_client, user)
    assert api_client.get(ME).status_code == 200  # the first request keeps the row
    return user


def test_a_kept_user_is_not_read_again(api_client):
    _signed_in_learner(api_client)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get("/api/v1/courses").status_code == 200
    assert _user_reads(queries.captured_queries) == []


def test_a_change_in_another_process_is_read_on_the_next_request(api_client):
    """Another process changed the row (no signal here: a plain UPDATE) and gave
    the user a new generation when it committed: the next request here reads the
    row again and the deactivated account is refused."""
    user = _signed_in_learner(api_client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # Until the generation changes, the kept row stands (at most MAX_AGE): that
    # is what spares the query.
    assert api_client.get(ME).status_code == 200
    request_users._bump(user.pk)
    assert api_client.get(ME).status_code == 401


def test_saving_a_user_gives_a_new_generation_when_it_commits(
    api_client, django_capture_on_commit_callbacks
):
    user = _signed_in_learner(api_client)
    key = request_users.generation_key(user.pk)
    before = state_cache.get(key)
    assert before is not None
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Renamed"
        user.save(update_fields=["first_name"])
    assert state_cache.get(key) not in (None, before)
    assert api_client.get(ME).json()["data"]["first_name"] == "Renamed"


def test_a_role_change_applies_to_the_next_request_in_this_process(api_client):
    """The saving process forgets its own copy at once (before the commit's new
    generation): a demoted instructor's old token is refused and the new
    session acts as a student."""
    instructor = UserFactory(role=Role.INSTRUCTOR)
    signed_in(api_client, instructor)
    assert api_client.get(ME).json()["data"]["role"] == Role.INSTRUCTOR
    instructor.role = Role.STUDENT
    instructor.save()
    assert api_client.get(ME).status_code == 401  # the change ended the sessions
    signed_in(api_client, instructor)
    assert api_client.get(ME).json()["data"]["role"] == Role.STUDENT


def test_without_a_known_generation_the_database_answers(monkeypatch):
    user = UserFactory()
    state_cache.set(request_users.generation_key(user.pk), "someone-elses")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert request_users.request_user(user.pk, None).pk == user.pk
        assert len(_user_reads(queries.captured_queries)) == 1


def test_a_kept_row_expires(monkeypatch):
    user = UserFactory()
    request_users.request_user(user.pk, "g1")
    with CaptureQueriesContext(connection) as queries:
        request_users.request_user(user.pk, "g1")
    assert _user_reads(queries.captured_queries) == []
    monkeypatch.setattr(request_users, "MAX_AGE", 0.0)
    with CaptureQueriesContext(connection) as queries:
        request_users.request_user(user.pk, "g1")
    assert len(_user_reads(queries.captured_queries)) == 1


def test_each_request_gets_its_own_instance():
    user = UserFactory(first_name="Ada")
    request_users.request_user(user.pk, "g1")
    first = request_users.request_user(user.pk, "g1")
    second = request_users.request_user(user.pk, "g1")
    assert first is not second
    first.first_name = "Changed in one request"
    assert second.first_name == "Ada"
    assert request_users.request_user(user.pk, "g1").first_name == "Ada"
    assert not first._state.adding
    assert first._state.db == "default"


def test_a_deleted_user_is_not_found(api_client):
    user = _signed_in_learner(api_client)
    user.delete()
    assert api_client.get(ME).status_code == 401

"""Odd input is a SCIM 400, never a 500."""

import pytest

from .conftest import user_body
from .test_users import assert_error, create

pytestmark = pytest.mark.django_db


def test_nul_characters(scim):
    assert_error(scim.post("Users", user_body("a\x00b@example.org")), 400)
    body = user_body("ada@example.org", externalId="x\x00y")
    assert_error(scim.post("Users", body), 400)
    response = scim.get("Users", data={"filter": 'userName eq "a\x00"'})
    assert_error(response, 400)


def test_deeply_nested_filter(scim):
    expression = "(" * 3000 + 'userName eq "a"' + ")" * 3000
    response = scim.get("Users", data={"filter": expression})
    if response.status_code != 200:
        assert_error(response, 400, "invalidFilter")
    expression = " and ".join(['userName eq "a"'] * 2000)
    response = scim.get("Users", data={"filter": expression})
    if response.status_code != 200:
        assert_error(response, 400, "invalidFilter")


def test_huge_paging_numbers(scim):
    create(scim, "ada@example.org")
    response = scim.get("Users", data={"startIndex": 10**30, "count": 10**30})
    assert response.status_code == 200
    assert response.json()["Resources"] == []
    response = scim.get("Users", data={"startIndex": -5, "count": -1})
    assert response.status_code == 200
    assert response.json()["startIndex"] == 1


def test_body_that_is_not_an_object(scim):
    assert_error(scim._send("post", "Users", ["a"]), 400)
    assert_error(scim._send("post", "Users", "text"), 400)


def test_wrong_types(scim):
    assert_error(scim.post("Users", user_body("ada@example.org", active=[1])), 400)
    assert_error(scim.post("Users", user_body("ada@example.org", name="Ada")), 400)
    assert_error(scim.post("Users", {"userName": 5}), 400)


def test_long_values(scim):
    assert_error(scim.post("Users", user_body("a" * 300 + "@example.org")), 400)
    body = user_body("ada@example.org", externalId="x" * 300)
    assert_error(scim.post("Users", body), 400)
    body = user_body("ada@example.org", userName="u" * 300)
    assert_error(scim.post("Users", body), 400)

"""With a Redis down the portal answers from the database: the shared cache
(``default``) reads as empty, and the JWT revocation check falls back to the
database when the ``state`` Redis is unreachable, refusing every revoked token.
Nothing answers 500."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from learning.services import enrollment_create
from portal.accounts.models import User
from portal.accounts.services import user_sessions_revoke
from portal.settings.components.cache import redis_cache
from tests.portal.auth_helpers import bearer, login, signed_in
from tests.portal.factories import PASSWORD, UserFactory

from .test_api_courses import LIST, ok, url

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens there


def caches(settings, *, default_down: bool = False, state_down: bool = False):
    """Point a cache at a closed port with the settings' own cache definition."""
    current = settings.CACHES
    settings.CACHES = {
        "default": (
            redis_cache(CLOSED, "down", ignore_errors=True)
            if default_down
            else current["default"]
        ),
        "state": (
            redis_cache(CLOSED, "down-state", ignore_errors=False)
            if state_down
            else current["state"]
        ),
    }


@pytest.fixture
def enrolled(db, course_factory):
    learner = UserFactory(role="student")
    course = course_factory(title="Resilient", modules=[("m", 1)])
    enrollment_create(actor=learner, course_id=course.pk)
    return learner, course


class TestSharedCacheDown:
    def test_catalog_course_modules_my_courses_and_login_answer(
        self, settings, client_as, enrolled
    ):
        learner, course = enrolled
        caches(settings, default_down=True)
        anonymous = client_as()
        assert [c["title"] for c in ok(anonymous.get(LIST))] == ["Resilient"]
        assert ok(anonymous.get(url(course)))["title"] == "Resilient"
        client = client_as()
        response = login(client, learner)
        assert response.status_code == 200, response.content
        bearer(client, response.json()["data"]["token"])
        assert [c["title"] for c in ok(client.get(LIST))] == ["Resilient"]
        assert ok(client.get(url(course)))["title"] == "Resilient"
        modules = ok(client.get(url(course, "/modules")))
        assert modules[0]["completed"] is False
        mine = ok(client.get("/api/v1/users/me/courses"))
        assert [row["course"]["id"] for row in mine] == [course.pk]


class TestStateCacheDown:
    def test_a_live_token_still_works(self, settings, client_as, enrolled):
        learner, course = enrolled
        client = client_as(learner)
        caches(settings, state_down=True)
        mine = ok(client.get("/api/v1/users/me/courses"))
        assert [row["course"]["id"] for row in mine] == [course.pk]

    def test_a_logged_out_token_is_refused(self, settings, api_client, enrolled):
        learner, _ = enrolled
        tokens = signed_in(api_client, learner)
        ok(api_client.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}))
        caches(settings, state_down=True)
        response = api_client.get("/api/v1/users/me/courses")
        assert response.status_code == 401

    def test_a_token_of_a_revoked_user_is_refused(self, settings, api_client, enrolled):
        learner, _ = enrolled
        signed_in(api_client, learner)
        user_sessions_revoke(user=User.objects.get(pk=learner.pk))
        caches(settings, state_down=True)
        assert api_client.get("/api/v1/users/me/courses").status_code == 401

    def test_another_session_of_the_same_user_goes_on(
        self, settings, client_as, enrolled
    ):
        learner, _ = enrolled
        ended, going_on = client_as(), client_as(learner)
        tokens = signed_in(ended, learner)
        ok(ended.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}))
        caches(settings, state_down=True)
        assert ended.get("/api/v1/users/me/courses").status_code == 401
        ok(going_on.get("/api/v1/users/me/courses"))


class TestPasswordHashing:
    HASHER = "portal.accounts.hashers.Argon2idPasswordHasher"

    def test_owasp_parameters(self, settings):
        settings.PASSWORD_HASHERS = [self.HASHER]
        encoded = make_password("correct horse battery staple")
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password("correct horse battery staple", encoded)

    def test_an_old_hash_is_upgraded_at_the_next_login(self, settings, api_client):
        # Django's default Argon2 parameters (100 MiB, 8 lanes) as stored before.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
        user = UserFactory(role="student")
        old = User.objects.get(pk=user.pk).password
        assert "m=102400" in old
        settings.PASSWORD_HASHERS = [
            self.HASHER,
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        assert login(api_client, user, PASSWORD).status_code == 200
        new = User.objects.get(pk=user.pk).password
        assert new != old
        assert "m=19456,t=2,p=1" in new
        assert identify_hasher(new).algorithm == "argon2"
        assert login(api_client, user, PASSWORD).status_code == 200

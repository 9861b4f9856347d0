import pytest
from django.core.management import call_command
from django.db import IntegrityError

from portal.accounts.models import Profile, Role, User

pytestmark = pytest.mark.django_db


class TestUserModel:
    def test_email_is_the_login_and_is_normalized(self):
        user = User.objects.create_user(
            "  Ada.Lovelace@Example.ORG ", "correct-horse-9"
        )
        assert user.email == "ada.lovelace@example.org"
        assert user.role == Role.STUDENT
        assert user.check_password("correct-horse-9")
        assert User.objects.get_by_natural_key("ADA.LOVELACE@example.org") == user

    def test_emails_are_unique_case_insensitively(self):
        User.objects.create_user("dup@example.org", "x")
        with pytest.raises(IntegrityError):
            User.objects.create_user("DUP@example.org", "x")

    def test_a_profile_is_created_with_the_user(self):
        user = User.objects.create_user("p@example.org", "x")
        assert Profile.objects.get(user=user).organization_name == ""

    def test_invalid_role_is_refused_by_the_database(self):
        user = User.objects.create_user("r@example.org", "x")
        user.role = "wizard"
        with pytest.raises(IntegrityError):
            user.save()


class TestCreateSuperuser:
    def test_noinput_reads_the_environment_and_makes_an_admin(self, monkeypatch):
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.org")
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password-1")
        call_command("createsuperuser", "--noinput", verbosity=0)
        user = User.objects.get(email="root@example.org")
        assert user.is_superuser
        assert user.is_staff
        assert user.role == Role.ADMIN
        assert user.is_admin
        assert user.check_password("a-long-admin-password-1")
        assert Profile.objects.filter(user=user).exists()


class TestDemoSeed:
    def test_seeding_twice_does_not_duplicate(self):
        call_command("seed_demo", verbosity=0)
        count = User.objects.count()
        call_command("seed_demo", verbosity=0)
        assert User.objects.count() == count
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)

"""Erasure deletes a person's stored files only once its transaction commits: an
erasure that fails and rolls back has not lost them."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from portal.accounts.models import Profile
from portal.hooks import erase_file_on_commit, personal_data_erase_all
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_avatar(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.avatar.save("face.png", ContentFile(b"png"), save=True)
    return user, profile.avatar.name


def test_a_rolled_back_erasure_keeps_the_files(with_avatar):
    user, name = with_avatar

    class Abort(Exception):
        pass

    def erase_then_fail():
        with transaction.atomic():
            personal_data_erase_all(user=user)
            raise Abort

    with pytest.raises(Abort):
        erase_then_fail()
    assert default_storage.exists(name)
    assert Profile.objects.get(user=user).avatar.name == name


def test_a_committed_erasure_deletes_them(
    with_avatar, django_capture_on_commit_callbacks
):
    user, name = with_avatar
    with django_capture_on_commit_callbacks(execute=True):
        personal_data_erase_all(user=user)
    assert not default_storage.exists(name)
    assert not Profile.objects.get(user=user).avatar


def test_a_failed_delete_does_not_stop_the_others(
    with_avatar, django_capture_on_commit_callbacks, monkeypatch
):
    """A file whose delete fails after the commit (storage unreachable) is logged;
    the erasure stays done and the other files are still deleted."""
    user, avatar = with_avatar
    storage = Profile._meta.get_field("avatar").storage
    other = storage.save("exports/other.zip", ContentFile(b"zip"))
    real_delete = storage.delete

    def delete(name):
        if name == avatar:
            raise OSError("storage unreachable")
        return real_delete(name)

    monkeypatch.setattr(storage, "delete", delete)
    profile = Profile.objects.get(user=user)
    other_file = type(profile.avatar)(profile, profile.avatar.field, other)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        erase_file_on_commit(field_file=profile.avatar)
        profile.save(update_fields=["avatar"])
        erase_file_on_commit(field_file=other_file)
    assert storage.exists(avatar)
    assert not storage.exists(other)
    assert not Profile.objects.get(user=user).avatar

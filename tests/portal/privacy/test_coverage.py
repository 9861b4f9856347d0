"""Every relation to the user model is handled by some app's personal-data export
and erasure (``portal.hooks.PERSONAL_DATA_EXPORT`` / ``PERSONAL_DATA_ERASE``): a
model added later with a foreign key to the user fails here until an app says
what its export shows and what its erasure does."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from portal.hooks import (
    PERSONAL_DATA_ERASE,
    PERSONAL_DATA_EXPORT,
    personal_data_covered,
)


def user_relations() -> set[str]:
    """``app_label.Model.field`` of every concrete foreign key and one-to-one field
    to the user model, in every installed app (Django's, Wagtail's and
    third-party apps' too), named on the model that declares the field."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.related_model is user_model
            ):
                found.add(f"{field.model._meta.label}.{field.name}")
    return found


class TestCoverage:
    def test_the_walk_finds_the_relations(self):
        relations = user_relations()
        # A sample across apps: the walk is not vacuous.
        assert {
            "accounts.Profile.user",
            "learning.Certificate.user",
            "assessments.Attempt.user",
            "talent.TalentProfile.user",
            "wagtailcore.Page.owner",
            "token_blacklist.OutstandingToken.user",
        } <= relations
        assert len(relations) > 60

    @pytest.mark.parametrize("hook", [PERSONAL_DATA_EXPORT, PERSONAL_DATA_ERASE])
    def test_every_relation_is_covered(self, hook):
        missing = user_relations() - personal_data_covered(name=hook)
        assert not missing, (
            f"No {hook} answer covers these relations to the user model: "
            f"{sorted(missing)}. Register one in the app's wagtail_hooks.py "
            "(see portal/hooks.py, personal_data_covers)."
        )

    @pytest.mark.parametrize("hook", [PERSONAL_DATA_EXPORT, PERSONAL_DATA_ERASE])
    def test_covers_names_only_real_relations(self, hook):
        """A typo in ``covers`` would hide a gap: every declared relation exists."""
        assert personal_data_covered(name=hook) <= user_relations()

    def test_a_missing_answer_leaves_a_gap(self, monkeypatch):
        """The check itself: with one app's answer gone (here the assessments'),
        its relations are reported uncovered."""
        from assessments import privacy as assessments_privacy
        from portal import hooks as portal_hooks

        real = portal_hooks.hooks.get_hooks
        monkeypatch.setattr(
            portal_hooks.hooks,
            "get_hooks",
            lambda name: [
                answer
                for answer in real(name)
                if answer is not assessments_privacy.personal_data_export
            ],
        )
        missing = user_relations() - personal_data_covered(name=PERSONAL_DATA_EXPORT)
        assert "assessments.Attempt.user" in missing

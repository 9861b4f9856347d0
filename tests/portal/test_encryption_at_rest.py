"""Encryption at rest: the profile's phone, date of birth and clearance level, MFA
secrets and SkillBridge records are Fernet tokens in the database, cannot be
searched, are encrypted by the data migrations when they were stored plain, and
``manage.py reencrypt`` moves every one of them to a new key so that the old key
can go."""

import datetime
import io

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.contrib import admin
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast

from corporate.skillbridge.models import Participant
from corporate.talent.models import TalentProfile
from portal.accounts import mfa
from portal.accounts.models import Profile
from portal.accounts.services.encryption import mfa_secrets_reencrypt
from portal.crypto.fields import EncryptedTextField
from portal.crypto.services import columns_reencrypt, encrypted_columns
from tests.corporate.test_skillbridge import BASE, PARTICIPANT
from tests.portal.auth_helpers import signed_in, totp_code
from tests.portal.factories import UserFactory
from tests.portal.test_mfa_api import enrol

pytestmark = pytest.mark.django_db

PROFILE_SECRETS = {
    "phone": "+1 555 0100",
    "date_of_birth": datetime.date(1990, 4, 1),
    "clearance_level": "secret",
}


def stored(model, pk, field: str) -> str | None:
    """The text in the column itself, past the field's decryption."""
    return (
        model.objects.filter(pk=pk)
        .annotate(raw=Cast(field, models.TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def store_plain(model, pk, **values) -> None:
    """Write values past the field's encryption, as rows from before it were."""
    model.objects.filter(pk=pk).update(
        **{
            name: models.Value(value, output_field=models.TextField())
            for name, value in values.items()
        }
    )


@pytest.fixture
def profile():
    user = UserFactory()
    Profile.objects.filter(user=user).update(**PROFILE_SECRETS)
    return Profile.objects.get(user=user)


class TestTalentProfileFields:
    """The career profile repeats a veteran's clearance and adds the separation
    date: encrypted as the account profile's are."""

    def test_clearance_and_separation_date_are_tokens_and_read_back(self):
        talent = TalentProfile.objects.create(
            user=UserFactory(),
            clearance_level="top_secret",
            separation_date=datetime.date(2027, 3, 31),
        )
        for name in ("clearance_level", "separation_date"):
            assert stored(TalentProfile, talent.pk, name).startswith("fernet:")
        fresh = TalentProfile.objects.get(pk=talent.pk)
        assert fresh.clearance_level == "top_secret"
        assert fresh.separation_date == datetime.date(2027, 3, 31)
        with pytest.raises(FieldError):
            list(TalentProfile.objects.filter(clearance_level="top_secret"))

    def test_values_stored_plain_before_are_encrypted_once(self):
        """What the migration does to rows from before it."""
        talent = TalentProfile.objects.create(user=UserFactory())
        store_plain(
            TalentProfile,
            talent.pk,
            clearance_level="secret",
            separation_date="2026-09-30",
        )
        counts = columns_reencrypt(
            model=TalentProfile, fields=["clearance_level", "separation_date"]
        )
        assert counts.encrypted == 1
        assert stored(TalentProfile, talent.pk, "separation_date").startswith("fernet:")
        fresh = TalentProfile.objects.get(pk=talent.pk)
        assert fresh.clearance_level == "secret"
        assert fresh.separation_date == datetime.date(2026, 9, 30)
        again = columns_reencrypt(
            model=TalentProfile, fields=["clearance_level", "separation_date"]
        )
        assert (again.encrypted, again.rotated) == (0, 0)


class TestProfileFields:
    def test_personal_details_are_fernet_tokens_in_the_database(self, profile):
        for name in PROFILE_SECRETS:
            raw = stored(Profile, profile.pk, name)
            assert raw.startswith("fernet:")
            assert "555" not in raw
            assert "1990" not in raw
            assert "secret" not in raw.removeprefix("fernet:")
        fresh = Profile.objects.get(pk=profile.pk)
        assert fresh.phone == "+1 555 0100"
        assert fresh.date_of_birth == datetime.date(1990, 4, 1)
        assert fresh.clearance_level == "secret"

    def test_encrypted_fields_cannot_be_searched_or_ordered(self, profile):
        with pytest.raises(FieldError):
            list(Profile.objects.filter(phone="+1 555 0100"))
        with pytest.raises(FieldError):
            list(Profile.objects.filter(phone__icontains="555"))
        with pytest.raises(FieldError):
            list(Profile.objects.filter(clearance_level__in=["secret"]))
        # Whether a value is there at all is no secret.
        assert Profile.objects.filter(date_of_birth__isnull=False).count() == 1

    def test_no_admin_searches_or_filters_on_an_encrypted_field(self):
        encrypted = {
            (model, name) for model, names in encrypted_columns() for name in names
        }
        assert (Profile, "phone") in encrypted
        assert (Participant, "full_name") in encrypted
        for model, model_admin in admin.site._registry.items():
            named = [
                *model_admin.search_fields,
                *(model_admin.ordering or ()),
                *(f for f in model_admin.list_filter if isinstance(f, str)),
            ]
            for name in named:
                field = name.lstrip("-^=@").split("__")[0]
                assert (model, field) not in encrypted, (model, name)
            for inline in model_admin.inlines:
                assert not getattr(inline, "search_fields", ())

    def test_the_admin_form_edits_them_as_plain_values(self):
        form_field = Profile._meta.get_field("date_of_birth").formfield()
        assert form_field.clean("1990-04-01") == datetime.date(1990, 4, 1)
        phone = Profile._meta.get_field("phone").formfield()
        assert phone.max_length == 32


class TestDataMigrations:
    def test_plain_phone_numbers_are_encrypted_once(self, profile):
        other = UserFactory()
        store_plain(Profile, profile.pk, phone="+1 555 0199")
        store_plain(Profile, other.profile.pk, phone="")
        assert stored(Profile, profile.pk, "phone") == "+1 555 0199"
        with pytest.raises(InvalidToken):
            Profile.objects.get(pk=profile.pk)

        counts = columns_reencrypt(model=Profile, fields=["phone"], batch_size=1)
        assert (counts.encrypted, counts.rotated, counts.current) == (1, 0, 1)
        assert stored(Profile, profile.pk, "phone").startswith("fernet:")
        assert Profile.objects.get(pk=profile.pk).phone == "+1 555 0199"
        again = columns_reencrypt(model=Profile, fields=["phone"])
        assert (again.encrypted, again.rotated, again.current) == (0, 0, 2)

    def test_plain_mfa_secrets_are_encrypted_and_still_work(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, recovery = enrol(api_client)
        totp = mfa.totp_authenticator(user)
        codes = Authenticator.objects.get(user=user, type="recovery_codes")
        # As allauth stored them before the portal's MFA adapter encrypted them.
        from portal.crypto.fields import decrypt_text

        Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})
        plain_seed = decrypt_text(codes.data["seed"])
        Authenticator.objects.filter(pk=codes.pk).update(
            data={**codes.data, "seed": plain_seed}
        )

        report = mfa_secrets_reencrypt(batch_size=1)
        counts = report["mfa.Authenticator (secrets)"]
        assert counts.encrypted == 2
        totp.refresh_from_db()
        codes.refresh_from_db()
        assert totp.data["secret"].startswith("fernet:")
        assert codes.data["seed"].startswith("fernet:")
        assert mfa.TOTP(totp).validate_code(totp_code(secret))
        assert mfa.RecoveryCodes(codes).validate_code(recovery[0])


class TestMFASecrets:
    def test_totp_secret_and_recovery_seed_are_stored_encrypted(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, _recovery = enrol(api_client)
        totp = mfa.totp_authenticator(user)
        codes = Authenticator.objects.get(user=user, type="recovery_codes")
        assert totp.data["secret"].startswith("fernet:")
        assert secret not in totp.data["secret"]
        assert codes.data["seed"].startswith("fernet:")

    def test_a_plain_secret_is_refused_not_trusted(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        secret, _recovery = enrol(api_client)
        totp = mfa.totp_authenticator(user)
        Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})
        totp.refresh_from_db()
        with pytest.raises(InvalidToken):
            mfa.TOTP(totp).validate_code(totp_code(secret))


class TestReencryptCommand:
    """Rotate: a new key first, the old one after it; ``reencrypt``; drop the old
    key; everything still reads."""

    @pytest.fixture
    def everything(self, api_client, profile, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        admin_user = UserFactory(role="admin")
        signed_in(api_client, admin_user)
        secret, recovery = enrol(api_client)
        cohort = api_client.post(BASE, {"name": "Q3"}, format="json").json()["data"]
        participant = api_client.post(
            f"{BASE}/{cohort['id']}/participants", PARTICIPANT, format="json"
        ).json()["data"]
        document = (
            f"{BASE}/{cohort['id']}/participants/{participant['id']}/approval-document"
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        content = b"%PDF-1.4\n% commander approval\n"
        upload = api_client.post(
            document,
            {"file": SimpleUploadedFile("a.pdf", content, "application/pdf")},
            format="multipart",
        )
        assert upload.status_code == 201
        return {
            "user": admin_user,
            "secret": secret,
            "recovery": recovery,
            "document": document,
            "content": content,
        }

    def run(self, **options) -> str:
        out = io.StringIO()
        call_command("reencrypt", stdout=out, **options)
        return out.getvalue()

    def test_rotate_run_drop_the_old_key_and_everything_reads(
        self, everything, settings, api_client
    ):
        old = list(settings.FIELD_ENCRYPTION_KEYS)
        new = Fernet.generate_key().decode()
        settings.FIELD_ENCRYPTION_KEYS = [new, *old]

        output = self.run(batch_size=1)
        # The admin's own profile holds nothing encrypted.
        assert (
            "accounts.Profile: 1 re-encrypted, 0 encrypted from plain text, 1 al"
            in output
        )
        assert "skillbridge.Participant: 1 re-encrypted" in output
        assert "mfa.Authenticator (secrets): 2 re-encrypted" in output
        assert "skillbridge.Participant (approval documents): 1 re-encrypted" in output

        settings.FIELD_ENCRYPTION_KEYS = [new]
        fresh = Profile.objects.get(pk=everything["user"].profile.pk)
        assert fresh.phone == ""
        details = Profile.objects.exclude(pk=fresh.pk).get(date_of_birth__isnull=False)
        assert details.phone == "+1 555 0100"
        assert details.clearance_level == "secret"
        assert Participant.objects.get().full_name == "Alex Rivera"
        download = api_client.get(everything["document"])
        assert download.status_code == 200
        assert download.content == everything["content"]
        totp = mfa.totp_authenticator(everything["user"])
        assert mfa.TOTP(totp).validate_code(totp_code(everything["secret"]))
        codes = Authenticator.objects.get(
            user=everything["user"], type="recovery_codes"
        )
        assert mfa.RecoveryCodes(codes).validate_code(everything["recovery"][0])

        again = self.run()
        assert "Done: 0 re-encrypted, 0 encrypted from plain text" in again

    def test_without_the_run_the_old_key_cannot_go(self, everything, settings):
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(InvalidToken):
            Participant.objects.get()

    def test_every_encrypted_column_is_covered(self):
        columns = dict(encrypted_columns())
        assert set(columns[Profile]) == {"phone", "date_of_birth", "clearance_level"}
        assert set(columns[TalentProfile]) == {"clearance_level", "separation_date"}
        assert {"full_name", "email", "separation_date", "employer"} <= set(
            columns[Participant]
        )
        for model, names in columns.items():
            for name in names:
                assert isinstance(model._meta.get_field(name), EncryptedTextField)

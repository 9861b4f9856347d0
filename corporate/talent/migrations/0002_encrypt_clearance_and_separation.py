"""A talent profile's clearance level and separation date are encrypted at rest,
as the account profile's clearance level and date of birth are: the columns become
text and the values stored before are encrypted in place
(``portal.crypto.services.columns_reencrypt`` recognises a plain value; a second
run changes nothing). Backwards, the values are decrypted first."""

from django.db import migrations, models
from django.db.models.functions import Cast

import portal.crypto.fields

FIELDS = ["clearance_level", "separation_date"]


def encrypt_values(apps, schema_editor):
    from portal.crypto.services import columns_reencrypt

    columns_reencrypt(model=apps.get_model("talent", "TalentProfile"), fields=FIELDS)


def decrypt_values(apps, schema_editor):
    from portal.crypto.fields import decrypt_text, is_encrypted_text

    TalentProfile = apps.get_model("talent", "TalentProfile")
    stored = TalentProfile.objects.annotate(
        **{f"_stored_{name}": Cast(name, models.TextField()) for name in FIELDS}
    )
    for pk, *values in stored.values_list(
        "pk", *(f"_stored_{name}" for name in FIELDS)
    ):
        changes = {
            name: models.Value(decrypt_text(value), output_field=models.TextField())
            for name, value in zip(FIELDS, values, strict=True)
            if is_encrypted_text(value)
        }
        if changes:
            TalentProfile.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):

    dependencies = [
        ("talent", "0001_talent_pipeline"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="talentprofile",
            name="talent_clearance_valid",
        ),
        migrations.AlterField(
            model_name="talentprofile",
            name="clearance_level",
            field=portal.crypto.fields.EncryptedTextField(
                blank=True,
                choices=[
                    ("", "Not stated"),
                    ("public_trust", "Public Trust"),
                    ("confidential", "Confidential"),
                    ("secret", "Secret"),
                    ("top_secret", "Top Secret"),
                    ("ts_sci", "Top Secret/SCI"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="talentprofile",
            name="separation_date",
            field=portal.crypto.fields.EncryptedDateField(
                blank=True, help_text="Veterans: date of separation.", null=True
            ),
        ),
        migrations.RunPython(encrypt_values, decrypt_values),
    ]

"""Phone numbers stored before the column was encrypted are encrypted in place
(``portal.crypto.services.columns_reencrypt`` reads the stored text itself, so a
plain value is recognised and encrypted; a second run changes nothing)."""

from django.db import migrations, models
from django.db.models.functions import Cast


def encrypt_phone_numbers(apps, schema_editor):
    from portal.crypto.services import columns_reencrypt

    columns_reencrypt(model=apps.get_model("accounts", "Profile"), fields=["phone"])


def decrypt_phone_numbers(apps, schema_editor):
    from portal.crypto.fields import decrypt_text, is_encrypted_text

    Profile = apps.get_model("accounts", "Profile")
    stored = Profile.objects.annotate(stored=Cast("phone", models.TextField()))
    for pk, value in stored.values_list("pk", "stored"):
        if is_encrypted_text(value):
            Profile.objects.filter(pk=pk).update(
                phone=models.Value(decrypt_text(value), output_field=models.TextField())
            )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_encrypt_profile_add_sign_in_sessions"),
    ]

    operations = [
        migrations.RunPython(encrypt_phone_numbers, decrypt_phone_numbers),
    ]

"""TOTP secrets and recovery-code seeds that allauth stored in the clear (before
``MFA_ADAPTER`` encrypted them) are encrypted in place; a second run changes
nothing."""

from django.db import migrations


def encrypt_mfa_secrets(apps, schema_editor):
    from portal.accounts.services.encryption import mfa_secrets_reencrypt

    mfa_secrets_reencrypt(model=apps.get_model("mfa", "Authenticator"))


def decrypt_mfa_secrets(apps, schema_editor):
    from portal.accounts.services.encryption import SECRET_KEYS, SECRET_LISTS
    from portal.crypto.fields import decrypt_text, is_encrypted_text

    def plain(value):
        return decrypt_text(value) if is_encrypted_text(value) else value

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all():
        data = dict(authenticator.data or {})
        for key in SECRET_KEYS:
            if isinstance(data.get(key), str):
                data[key] = plain(data[key])
        for key in SECRET_LISTS:
            if isinstance(data.get(key), list):
                data[key] = [plain(code) for code in data[key]]
        Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_encrypt_existing_phone_numbers"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_mfa_secrets, decrypt_mfa_secrets),
    ]

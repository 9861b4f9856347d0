from django.apps import AppConfig


class CryptoConfig(AppConfig):
    """Encryption at rest: the field types, key rotation and ``manage.py
    reencrypt``. No models of its own."""

    name = "portal.crypto"
    label = "crypto"
    verbose_name = "Encryption at rest"

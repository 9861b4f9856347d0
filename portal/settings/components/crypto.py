"""Field-level encryption at rest (``portal/crypto/fields.py``).

``FIELD_ENCRYPTION_KEYS``: Fernet keys (``Fernet.generate_key()``), comma-separated,
the first current, the others still accepted for reading (rotation). Production
refuses to start without one (``prod.py``); ``make run`` and the tests derive one from
their SECRET_KEY (``derived_field_key``), which is fine for data that never leaves
the machine.
"""

import base64
import hashlib

from . import env

FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])


def derived_field_key(secret_key: str) -> str:
    """A Fernet key derived from ``secret_key`` (development and tests only)."""
    digest = hashlib.sha256(f"field-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def require_field_encryption_keys(keys: list[str]) -> None:
    """Production refuses to run without an encryption key of its own."""
    from django.core.exceptions import ImproperlyConfigured

    if not keys:
        raise ImproperlyConfigured(
            "Set FIELD_ENCRYPTION_KEYS (Fernet keys, the first current): sensitive "
            "fields are encrypted with it."
        )

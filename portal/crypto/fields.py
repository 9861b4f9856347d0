"""Field-level encryption at rest: ``EncryptedTextField`` (and ``EncryptedDateField``
built on it) store Fernet tokens (AES-128-CBC + HMAC-SHA256, ``cryptography``) made
with the keys of ``FIELD_ENCRYPTION_KEYS``.

Keys are a list: the first encrypts, all decrypt (``MultiFernet``), so a key is
rotated by putting a new one first and re-saving the rows (``rotate_value``). The
database never sees the plain text, so these fields cannot be filtered or ordered
on: keep what a query needs (dates a report groups by) in plain columns.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: set it (Fernet keys, the first current)."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS holds an invalid Fernet key: {error}"
        ) from None


def fernet() -> MultiFernet:
    """The MultiFernet of the configured keys (read per call, cached per key set)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Raises ``InvalidToken`` when no configured key opens ``token``."""
    return fernet().decrypt(token)


def encrypt_text(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise InvalidToken("Not an encrypted value.")
    return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")


def rotate_value(stored: str) -> str:
    """``stored`` re-encrypted with the current (first) key."""
    token = stored[len(PREFIX) :].encode("ascii")
    return PREFIX + fernet().rotate(token).decode("ascii")


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. ``None`` and ``""`` are stored as they are (an empty
    value is no secret); anything else as a ``fernet:`` token."""

    description = "Text encrypted at rest (Fernet)"

    def to_python_value(self, text: str):
        """The Python value of decrypted ``text`` (subclasses convert)."""
        return text

    def to_text(self, value) -> str:
        """The text to encrypt for a Python ``value`` (subclasses convert)."""
        return str(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.to_python_value(decrypt_text(value))

    def get_prep_value(self, value):
        value = super(models.TextField, self).get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(self.to_text(value))

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "portal.crypto.fields." + type(self).__name__, args, kwargs


class EncryptedDateField(EncryptedTextField):
    """A date encrypted at rest (stored as an encrypted ISO 8601 date)."""

    description = "Date encrypted at rest (Fernet)"

    def to_python_value(self, text: str):
        return datetime.date.fromisoformat(text)

    def to_text(self, value) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()

    def to_python(self, value):
        if isinstance(value, str) and value:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                from django.core.exceptions import ValidationError

                raise ValidationError("Enter a valid date.", code="invalid") from None
        return value

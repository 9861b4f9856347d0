"""Field-level encryption at rest: ``EncryptedTextField`` (and ``EncryptedDateField``
built on it) store Fernet tokens (AES-128-CBC + HMAC-SHA256, ``cryptography``) made
with the keys of ``FIELD_ENCRYPTION_KEYS``.

Keys are a list: the first encrypts, all decrypt (``MultiFernet``), so a key is
rotated by putting a new one first and running ``manage.py reencrypt``
(``portal.crypto.services``), after which the old key may go. The database never
sees the plain text, so these fields cannot be searched, filtered or ordered on:
every lookup but ``isnull`` is refused (a ``FieldError``) instead of silently
matching nothing. Keep what a query needs (dates a report groups by) in plain
columns.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import models

PREFIX = "fernet:"
# The only lookup an encrypted column answers: whether a value is there at all.
ALLOWED_LOOKUPS = frozenset({"isnull"})


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: set it (Fernet keys, the first current)."
        )
    try:
        every = [Fernet(key) for key in keys]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS holds an invalid Fernet key: {error}"
        ) from None
    return MultiFernet(every), every[0]


def fernet() -> MultiFernet:
    """The MultiFernet of the configured keys (read per call, cached per key set)."""
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]


def current_fernet() -> Fernet:
    """The Fernet of the current (first) key alone."""
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))[1]


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Raises ``InvalidToken`` when no configured key opens ``token``."""
    return fernet().decrypt(token)


def encrypt_text(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(stored: str) -> str:
    if not is_encrypted_text(stored):
        raise InvalidToken("Not an encrypted value.")
    return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")


def is_encrypted_text(stored: str) -> bool:
    """Whether ``stored`` is a ``fernet:`` token (not whether a key opens it)."""
    return isinstance(stored, str) and stored.startswith(PREFIX)


def rotate_bytes(token: bytes) -> bytes | None:
    """``token`` re-encrypted under the current key, or ``None`` when it already
    is (so that a second run changes nothing). Raises ``InvalidToken`` when no
    configured key opens it."""
    try:
        current_fernet().decrypt(token)
    except InvalidToken:
        return fernet().rotate(token)
    return None


def rotate_text(stored: str) -> str | None:
    """A ``fernet:`` value re-encrypted under the current key, or ``None`` when it
    already is (``rotate_bytes``)."""
    if not is_encrypted_text(stored):
        raise InvalidToken("Not an encrypted value.")
    rotated = rotate_bytes(stored[len(PREFIX) :].encode("ascii"))
    return None if rotated is None else PREFIX + rotated.decode("ascii")


def rotate_value(stored: str) -> str:
    """``stored`` re-encrypted with the current (first) key, whatever it was under."""
    token = stored[len(PREFIX) :].encode("ascii")
    return PREFIX + fernet().rotate(token).decode("ascii")


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. ``None`` and ``""`` are stored as they are (an empty
    value is no secret); anything else as a ``fernet:`` token. ``max_length`` and
    ``choices`` validate the plain value (forms, ``full_clean``), never the column.
    """

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
        if value is None or value == "" or hasattr(value, "as_sql"):
            # An expression (``update(x=Value(...))``) compiles itself.
            return value
        return encrypt_text(self.to_text(value))

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted at rest: it cannot "
                f"be searched, filtered or compared ('{lookup_name}')."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted at rest: no "
            f"'{lookup_name}' on it."
        )

    def formfield(self, **kwargs):
        if self.choices or self.max_length is None:
            return super().formfield(**kwargs)
        # A short value (a phone number) is a one-line input, not a text area.
        return models.Field.formfield(
            self,
            **{
                "max_length": self.max_length,
                "widget": forms.TextInput,
                **_without_text_area(kwargs),
            },
        )

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
                raise ValidationError("Enter a valid date.", code="invalid") from None
        return value

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self, **{"form_class": forms.DateField, **_without_text_area(kwargs)}
        )


def _without_text_area(kwargs: dict) -> dict:
    """Django's admin hands every ``TextField`` subclass a text area (its
    ``formfield_overrides``); a date or a short value keeps its own input."""
    widget = kwargs.get("widget")
    is_area = isinstance(widget, forms.Textarea) or (
        isinstance(widget, type) and issubclass(widget, forms.Textarea)
    )
    return {k: v for k, v in kwargs.items() if k != "widget"} if is_area else kwargs

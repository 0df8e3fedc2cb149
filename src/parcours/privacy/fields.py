"""Encrypted model fields.

The database column holds ciphertext only. The value is decrypted lazily, on attribute access,
because decryption needs the row's id (bound into the ciphertext) which ``from_db_value`` does
not see. Models using these fields must have a primary key set before the first save (a UUID
default), so the row id can be bound at encryption time.
"""

import datetime

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from parcours.dates import completed_years
from parcours.privacy.crypto import associated_data, decrypt, encrypt
from parcours.textlimits import NOTE, LimitedCharField


class Sealed(str):
    """A ciphertext just read from the database, not yet decrypted."""


class _DecryptingAttribute(DeferredAttribute):
    """Decrypts on first access and keeps the plaintext on the instance.

    A data descriptor (it defines ``__set__``), so it runs even when the instance dict already
    holds the sealed value.
    """

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.unseal(value, self.field.row_of(instance))
            instance.__dict__[self.field.attname] = value
        return value


def row_identity(key) -> str:
    """The row identity a value was sealed with (a UUID's text, with its dashes), from the key
    as a plain cursor gives it: a UUID (PostgreSQL), 32 hex digits (SQLite) or that text."""
    if not isinstance(key, str):
        return str(key)
    if len(key) == 32 and "-" not in key:
        return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    return key


def unseal_columns(rows, *fields):
    """(row identity, each field's value, the rest...) for rows of (row key, each field's
    ciphertext as stored, the rest...) read by a plain cursor: a report reads a column of a
    few hundred thousand rows, a case list page hundreds of names, and a Sealed wrapper and a
    UUID object per value cost as much as the decryption (half a case list's members)."""
    columns = [
        (f"{field.model._meta.db_table}/{field.column}/", field.empty_value(), field.from_plaintext)
        for field in fields
    ]
    count = len(columns)
    for key, *values in rows:
        row = row_identity(key)
        yield (
            row,
            *(
                plain(decrypt(token, (prefix + row).encode())) if token else empty
                for (prefix, empty, plain), token in zip(columns, values[:count], strict=True)
            ),
            *values[count:],
        )


class EncryptedTextField(models.TextField):
    """Free text stored with AES-GCM, bound to table, column and row."""

    descriptor_class = _DecryptingAttribute
    default_max_length = NOTE  # of the plaintext (parcours.textlimits), enforced by the form

    def __init__(self, *args, bind_to: tuple[str, ...] = (), **kwargs):
        # The row identity bound into each ciphertext: the primary key, or columns that are
        # unique together and known before the insert (so rows can be bulk-inserted).
        self.bind_to = tuple(bind_to)
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LimitedCharField, **kwargs})

    def row_of(self, instance):
        """The row identity bound into this field's ciphertext for ``instance``."""
        row = ":".join(str(getattr(instance, f)) for f in self.bind_to) or instance.pk
        if row is None or row == "":
            raise ValueError(f"{instance._meta.label} needs a primary key before encryption")
        return row

    def aad(self, instance) -> bytes:
        return associated_data(instance._meta.db_table, self.column, self.row_of(instance))

    def seal(self, value, row) -> str:
        """The ciphertext of ``value`` for the row identified by ``row``, for a bulk insert
        that builds no model instance (an import's free text: 600 000 answers at a time)."""
        if value is None or value == "":
            return None if self.null else ""
        return encrypt(
            self.to_plaintext(value), associated_data(self.model._meta.db_table, self.column, row)
        )

    def unseal(self, value, row):
        """Decrypt a value read with ``values_list`` (no model instance): reports read many
        rows and need only a few columns."""
        if not isinstance(value, Sealed):
            return value
        return self.from_plaintext(
            decrypt(value, associated_data(self.model._meta.db_table, self.column, row))
        )

    def unseal_rows(self, rows):
        """(row identity, value, ...) for rows of (row key, ciphertext as stored, ...) read by
        a plain cursor (``unseal_columns`` for this field alone)."""
        return unseal_columns(rows, self)

    # Python value <-> plaintext string; subclasses store other types.
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.empty_value()
        return Sealed(value)

    def empty_value(self):
        return "" if not self.null else None

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return value
        if value is None or value == "":
            return None if self.null else ""
        return Sealed(encrypt(self.to_plaintext(value), self.aad(model_instance)))

    def get_prep_value(self, value):
        # Lookups on ciphertext are meaningless: search goes through a blind index instead.
        if value in (None, ""):
            return value
        if not isinstance(value, Sealed):
            raise TypeError(f"{self.name} is encrypted and cannot be used in a query")
        return str(value)

    def value_from_object(self, obj):
        return getattr(obj, self.attname)

    def value_to_string(self, obj):
        return ""  # never serialise plaintext (dumpdata, admin history)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        if self.bind_to:
            kwargs["bind_to"] = self.bind_to
        return name, f"parcours.privacy.fields.{type(self).__name__}", args, kwargs


class EncryptedCharField(EncryptedTextField):
    """Short encrypted text, on one line."""

    default_max_length = 200

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self, **{"form_class": LimitedCharField, "max_length": self.max_length, **kwargs}
        )


class EncryptedEmailField(EncryptedCharField):
    """An encrypted e-mail address, checked as an address before it is sealed."""

    default_validators = [validators.validate_email]
    default_max_length = 254

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


class EncryptedDateField(EncryptedTextField):
    """An encrypted calendar date (ISO 8601 inside the ciphertext)."""

    default_max_length = None

    def to_plaintext(self, value) -> str:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def empty_value(self):
        return None

    def formfield(self, **kwargs):
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        return models.Field.formfield(
            self, **{"form_class": forms.DateField, "widget": widget, **kwargs}
        )


class PartialDate(str):
    """A date known to the day (``2012-03-04``) or only to the year (``2012``)."""

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        text = (text or "").strip()
        try:
            if len(text) == 4 and text.isdigit():
                datetime.date(int(text), 1, 1)
            else:
                datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _("Enter a date as YYYY-MM-DD, or the year alone as YYYY."), code="invalid"
            ) from None
        return cls(text)

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def exact(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self) if len(self) == 10 else None

    def age_on(self, day: datetime.date) -> int:
        """Completed years on ``day``; with the year alone, the age reached that year."""
        exact = self.exact
        return day.year - self.year if exact is None else completed_years(exact, day)


class EncryptedPartialDateField(EncryptedTextField):
    """An encrypted date of birth that may be known to the year only."""

    default_max_length = None

    def from_plaintext(self, text: str):
        return PartialDate(text)

    def empty_value(self):
        return None

    def formfield(self, **kwargs):
        from parcours.privacy.forms import PartialDateFormField

        return models.Field.formfield(self, **{"form_class": PartialDateFormField, **kwargs})

"""Field encryption: authenticated, bound to table/column/row, rotatable, never in plaintext."""

import uuid

import pytest
from django.db import connection

from parcours.cases.models import Family, Person
from parcours.privacy import keys
from parcours.privacy.crypto import DecryptionError, associated_data, decrypt, encrypt
from parcours.privacy.fields import Sealed, row_identity, unseal_columns
from parcours.privacy.rotation import rotate
from tests.conftest import make_person


def test_it_round_trips_a_value_bound_to_its_row():
    aad = associated_data("cases_person", "given_name", "row-1")
    token = encrypt("Amina", aad)
    assert "Amina" not in token
    assert decrypt(token, aad) == "Amina"


@pytest.mark.parametrize(
    "other",
    [
        ("cases_person", "given_name", "row-2"),
        ("cases_person", "family_name", "row-1"),
        ("cases_family", "given_name", "row-1"),
    ],
    ids=["other row", "other column", "other table"],
)
def test_it_refuses_a_value_moved_elsewhere(other):
    token = encrypt("Amina", associated_data("cases_person", "given_name", "row-1"))
    with pytest.raises(DecryptionError):
        decrypt(token, associated_data(*other))


def test_it_detects_tampering():
    aad = associated_data("t", "c", 1)
    token = encrypt("Amina", aad)
    prefix, kid, body = token.split(":")
    flipped = body[:-4] + ("A" if body[-4] != "A" else "B") + body[-3:]
    with pytest.raises(DecryptionError):
        decrypt(f"{prefix}:{kid}:{flipped}", aad)


def test_a_swapped_ciphertext_fails_on_read(make_family):
    first = make_family()
    second = make_family(members=[make_person(given="Other", family_name="Person")])
    a, b = first.household[0], second.household[0]
    stolen = Person.objects.filter(pk=a.pk).values_list("given_name", flat=True)[0]
    assert isinstance(stolen, Sealed)
    Person.objects.filter(pk=b.pk).update(given_name=stolen)
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=b.pk).given_name


def test_encrypted_fields_cannot_be_queried(make_family):
    make_family()
    with pytest.raises(TypeError, match="encrypted"):
        list(Person.objects.filter(given_name="Amina"))


def test_the_database_holds_no_plaintext_name_or_birth_date(make_family):
    make_family(
        members=[make_person(given="Zainabou", family_name="Quetzalcoatl", birth="1983-11-29")],
        address="Rue de la Loi 16, 1000 Bruxelles",
        phone="+32 470 12 34 56",
    )
    raw = _database_bytes()
    for secret in [b"Zainabou", b"Quetzalcoatl", b"1983-11-29", b"Rue de la Loi", b"470 12 34"]:
        assert secret not in raw, secret
    assert b"v1:" in raw  # the values are there, sealed


def _database_bytes() -> bytes:
    """Everything the database stores: the SQLite image itself, or every row of every table."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - table names
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def test_old_keys_still_decrypt_and_rotation_reseals(settings, make_family):
    family = make_family(address="Old street 1")
    old_token = Family.objects.get(pk=family.pk).__dict__["address"]
    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key(), *settings.PARCOURS_ENCRYPTION_KEYS]
    keys.keyring.cache_clear()

    assert Family.objects.get(pk=family.pk).address == "Old street 1"
    changed = rotate()
    assert changed["cases.Family"] == 1
    assert changed["cases.Person"] == 2
    new_token = Family.objects.get(pk=family.pk).__dict__["address"]
    assert new_token != old_token

    settings.PARCOURS_ENCRYPTION_KEYS = settings.PARCOURS_ENCRYPTION_KEYS[:1]  # retire the old
    keys.keyring.cache_clear()
    assert Family.objects.get(pk=family.pk).address == "Old street 1"
    assert rotate()["cases.Family"] == 0


def test_a_value_sealed_with_a_removed_key_is_refused(settings, make_family):
    family = make_family(address="Somewhere")
    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key()]
    keys.keyring.cache_clear()
    with pytest.raises(DecryptionError, match="no key"):
        _ = Family.objects.get(pk=family.pk).address


def test_a_missing_key_file_is_not_remade_over_encrypted_data(settings, tmp_path, make_family):
    from django.core.exceptions import ImproperlyConfigured

    from parcours.privacy import keys

    settings.PARCOURS_ENCRYPTION_KEYS = []
    settings.PARCOURS_BLIND_INDEX_KEY = ""
    settings.PARCOURS_AUDIT_KEY = ""
    settings.PARCOURS_KEY_FILE = tmp_path / "keys.json"
    keys.keyring.cache_clear()
    keys.keyring()  # an empty database: the file is made
    assert settings.PARCOURS_KEY_FILE.exists()
    make_family("active")
    settings.PARCOURS_KEY_FILE.unlink()
    keys.keyring.cache_clear()
    with pytest.raises(ImproperlyConfigured, match=r"key file .* is missing"):
        keys.keyring()
    assert not settings.PARCOURS_KEY_FILE.exists()


def test_rows_read_by_a_plain_cursor_are_unsealed_by_their_own_row(make_family):
    family = make_family(members=[make_person(given="Amina", family_name="Haddad")])
    person = family.members.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, given_name, family_name, role FROM cases_person WHERE family_id = %s",
            [Family._meta.pk.get_db_prep_value(family.pk, connection)],
        )
        read = cursor.fetchall()
    fields = [Person._meta.get_field(name) for name in ("given_name", "family_name")]
    assert list(unseal_columns(read, *fields)) == [(str(person.pk), "Amina", "Haddad", person.role)]
    # the same names bound to another row do not open
    _key, given, surname, role = read[0]
    with pytest.raises(DecryptionError):
        list(unseal_columns([(family.pk, given, surname, role)], *fields))


def test_a_row_is_known_by_its_keys_text_whatever_the_database_gave():
    key = uuid.uuid4()
    assert row_identity(key) == row_identity(key.hex) == row_identity(str(key)) == str(key)

"""Backups that restore: parcours backup → restore into a fresh database → the family's answer
to a request for access is the same; a wrong key, a changed byte or a database in use refused,
nothing written."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from parcours.backups import sealing
from parcours.cases.models import Family
from parcours.legal.models import Document
from parcours.legal.services import save_document
from parcours.privacy import keys
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditAction, AuditEvent
from tests.test_subject_access import sentinels  # noqa: F401 (fixture)

LETTER = b"%PDF-1.4\n% a lawyer's letter\n%%EOF\n"


@pytest.fixture
def backup_key(settings, tmp_path):
    secret, _public = sealing.new_identity()
    settings.PARCOURS_BACKUP_KEY = secret
    settings.PARCOURS_FILE_ROOT = tmp_path / "files"
    return secret


@pytest.fixture
def family_with_a_letter(sentinels, whole_file, case_manager):  # noqa: F811
    family = whole_file["family"]
    upload = SimpleUploadedFile("letter.pdf", LETTER)
    upload.checked_type = "application/pdf"
    save_document(Actor(case_manager), Document.objects.get(family=family), upload)
    return Family.objects.get(pk=family.pk)


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "-o", str(path), stdout=out)
    return out.getvalue()


def _database_url(name: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _parcours(home: Path, database_url: str, settings, *args) -> subprocess.CompletedProcess:
    """The console command against another database, as an operator would run it."""
    env = {
        **os.environ,
        "PARCOURS_ENV": "test",
        "PARCOURS_HOME": str(home),
        "DATABASE_URL": database_url,
        "PARCOURS_FILE_ROOT": str(home / "files"),
        "PARCOURS_ENCRYPTION_KEYS": ",".join(settings.PARCOURS_ENCRYPTION_KEYS),
        "PARCOURS_BLIND_INDEX_KEY": settings.PARCOURS_BLIND_INDEX_KEY,
        "PARCOURS_AUDIT_KEY": settings.PARCOURS_AUDIT_KEY,
        "PARCOURS_BACKUP_KEY": settings.PARCOURS_BACKUP_KEY,
    }
    return subprocess.run(
        [sys.executable, "-m", "parcours", *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
    )


def _answer(folder: Path) -> tuple[dict, dict]:
    """The JSON (less the moment it was made) and the files of a subject-access answer."""
    data = json.loads((folder / "subject-access.json").read_text())
    data.pop("made_at")
    stored = {p.name: p.read_bytes() for p in (folder / "files").iterdir()}
    return data, stored


@pytest.fixture
def fresh_database(tmp_path):
    """A database nobody has used: a file for SQLite, a new database for PostgreSQL."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_answers_a_request_for_access_identically(
    backup_key, family_with_a_letter, fresh_database, settings, tmp_path
):
    family = family_with_a_letter
    archive = tmp_path / "nightly.parcours-backup"
    printed = _backup(archive)
    assert "1 sealed file(s)" in printed
    sealed = archive.read_bytes()
    assert family.case_number.encode() not in sealed and b"SQLite format" not in sealed
    assert b"S-cases.Person" not in sealed and LETTER not in sealed
    assert AuditEvent.objects.filter(action=AuditAction.BACKUP).count() == 1

    source = tmp_path / "source"
    source.mkdir()
    (source / "files").symlink_to(settings.PARCOURS_FILE_ROOT)
    before = _parcours(
        source,
        _database_url(connection.settings_dict["NAME"]),
        settings,
        "subject-access",
        family.case_number,
        "-o",
        str(tmp_path / "before"),
    )
    assert before.returncode == 0, before.stderr

    target = tmp_path / "restored"
    (target / "files").mkdir(parents=True)
    (target / "files" / "stray").write_text("left by someone")
    refused = _parcours(target, _database_url(fresh_database), settings, "restore", str(archive))
    assert refused.returncode != 0 and "files folder" in refused.stderr
    (target / "files" / "stray").unlink()
    restored = _parcours(target, _database_url(fresh_database), settings, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "tables hold the rows the backup counted" in restored.stdout
    assert "1 sealed file(s) put back" in restored.stdout
    assert "chain intact" in restored.stdout

    after = _parcours(
        target,
        _database_url(fresh_database),
        settings,
        "subject-access",
        family.case_number,
        "-o",
        str(tmp_path / "after"),
    )
    assert after.returncode == 0, after.stderr
    json_before, files_before = _answer(tmp_path / "before")
    assert json_before["case"] == family.case_number and LETTER in files_before.values()
    assert _answer(tmp_path / "after") == (json_before, files_before)

    again = _parcours(target, _database_url(fresh_database), settings, "restore", str(archive))
    assert again.returncode != 0 and "already holds data" in again.stderr


@pytest.fixture
def archive(backup_key, family_with_a_letter, tmp_path):
    """A backup of a family with a sealed letter (backups read committed data: these tests
    commit, hence transaction=True)."""
    path = tmp_path / "b.parcours-backup"
    _backup(path)
    return path


def _restore_refused(path: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    return str(refused.value)


def _untouched(settings) -> tuple[int, int, list]:
    """What a refused restore must leave as it was: the rows and the files folder."""
    root = Path(settings.PARCOURS_FILE_ROOT)
    return Family.objects.count(), AuditEvent.objects.count(), sorted(root.rglob("*"))


@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_or_a_changed_byte_is_refused_saying_which(archive, settings, tmp_path):
    before = _untouched(settings)
    blob = bytearray(archive.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    changed = tmp_path / "changed.parcours-backup"
    changed.write_bytes(bytes(blob))
    with pytest.raises(CommandError, match="changed or damaged"):
        call_command("verify_backup", str(changed))
    assert "changed or damaged" in _restore_refused(changed)

    settings.PARCOURS_BACKUP_KEY = sealing.new_identity()[0]
    with pytest.raises(CommandError, match="sealed for another backup key"):
        call_command("verify_backup", str(archive))
    assert "sealed for another backup key" in _restore_refused(archive)
    assert _untouched(settings) == before


@pytest.mark.django_db(transaction=True)
def test_a_member_that_does_not_match_the_manifest_is_named(archive, tmp_path):
    out = io.StringIO()
    call_command("verify_backup", str(archive), stdout=out)
    assert "intact" in out.getvalue()
    plain, tampered = tmp_path / "plain.tar.gz", tmp_path / "tampered.tar.gz"
    sealing.unseal(archive, plain)
    named = None
    with tarfile.open(plain) as source, tarfile.open(tampered, "w:gz") as target:
        for info in source:
            data = source.extractfile(info).read()
            if info.name.startswith("files/"):
                named, data = info.name, data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(info, io.BytesIO(data))
    resealed = tmp_path / "resealed.parcours-backup"
    sealing.seal(tampered, resealed)
    with pytest.raises(CommandError, match=f"{named} does not match its SHA-256"):
        call_command("verify_backup", str(resealed))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_or_other_field_keys(archive, settings):
    before = _untouched(settings)
    assert "already holds data" in _restore_refused(archive)
    settings.PARCOURS_AUDIT_KEY = keys.new_key()
    keys.keyring.cache_clear()
    assert "PARCOURS_AUDIT_KEY here is key" in _restore_refused(archive)
    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key()]
    keys.keyring.cache_clear()
    assert "PARCOURS_ENCRYPTION_KEYS here lacks" in _restore_refused(archive)
    assert _untouched(settings) == before


def test_a_server_with_only_the_public_key_writes_backups_it_cannot_open(settings):
    secret, public = sealing.new_identity()
    settings.PARCOURS_BACKUP_KEY = public
    assert str(sealing.recipient()) == public
    with pytest.raises(sealing.BackupError, match="only a public key"):
        sealing.identity()
    settings.PARCOURS_BACKUP_KEY = secret
    assert str(sealing.identity().to_public()) == public
    settings.PARCOURS_BACKUP_KEY = "not a key"
    with pytest.raises(sealing.BackupError, match="neither an age secret key"):
        sealing.recipient()


def test_production_needs_a_backup_key(settings):
    settings.PARCOURS_BACKUP_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(sealing.BackupError, match="PARCOURS_BACKUP_KEY is not set"):
        sealing.recipient()


def test_a_backup_never_overwrites_a_file(backup_key, tmp_path, db):
    existing = tmp_path / "taken"
    existing.write_text("yesterday's")
    with pytest.raises(CommandError, match="exists already"):
        _backup(existing)
    assert existing.read_text() == "yesterday's"

"""Backups that restore: one sealed archive holding a consistent snapshot of the database, the
sealed files, and a manifest with the SHA-256 of every member (docs/operators.md, Backups).

Never in the archive: the field keys, the audit key, the backup key. A restore therefore needs
the same PARCOURS_ENCRYPTION_KEYS, PARCOURS_BLIND_INDEX_KEY and PARCOURS_AUDIT_KEY as the server
that made it; the manifest names their fingerprints so a mismatch is refused before anything is
written.
"""

import datetime
import hashlib
import json
import re
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from parcours.backups import sealing, snapshot
from parcours.backups.sealing import BackupError
from parcours.privacy import audit, files
from parcours.privacy.crypto import DecryptionError
from parcours.privacy.fields import EncryptedTextField
from parcours.privacy.keys import key_id, keyring
from parcours.privacy.models import AuditAction

FORMAT = "parcours-backup/1"
MANIFEST = "manifest.json"
FILES = "files/"
STORED = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{48}$")  # parcours.privacy.files storage keys
CHUNK = 1024 * 1024
SAMPLE = 3  # values decrypted per encrypted column, and sealed files opened, after a restore


@dataclass
class Made:
    path: Path
    sha256: str
    manifest: dict


@dataclass
class Opened:
    manifest: dict
    folder: Path  # the members, checked against their hashes

    @property
    def database(self) -> Path:
        return self.folder / self.manifest["database"]


def create(output: Path) -> Made:
    """Write the archive to ``output`` (never over an existing file), then audit the fact."""
    if output.exists():
        raise BackupError(f"{output} exists already; give each backup a new name.")
    sealing.recipient()  # a missing or malformed key is refused before any work
    with tempfile.TemporaryDirectory(prefix="parcours-backup-") as work:
        work = Path(work)
        taken = snapshot.take(work)
        members = {}
        plain = work / "archive.tar"
        with tarfile.open(plain, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as tar:
            database = snapshot.MEMBERS[taken.engine]
            members[database] = _add(tar, database, taken.path)
            taken.path.unlink()
            for path, name in _stored_files():
                members[FILES + name] = _add(tar, FILES + name, path)
            manifest = {
                "format": FORMAT,
                "made_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "parcours": version("parcours"),
                "engine": taken.engine,
                "database": database,
                "tables": taken.counts,
                "migrations": taken.migrations,
                "keys": _key_fingerprints(),
                "members": members,
            }
            (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
            _add(tar, MANIFEST, work / MANIFEST)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        try:
            sealing.seal(plain, partial)
            partial.chmod(0o600)
            partial.rename(output)
        finally:
            partial.unlink(missing_ok=True)
    digest = _sha256(output)
    audit.record_operation(AuditAction.BACKUP, "parcours.backup", digest)
    return Made(output, digest, manifest)


def open_archive(path: Path, folder: Path) -> Opened:
    """Unseal ``path`` into ``folder`` and check every member against the manifest; raise
    BackupError naming the first member that is missing, extra or changed."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    plain = folder / "archive.tar"
    sealing.unseal(path, plain)
    members = folder / "members"
    try:
        with tarfile.open(plain, "r:gz") as tar:
            manifest = _manifest(tar, path)
            expected = manifest["members"]
            seen = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or not info.isfile() or not _allowed(info.name):
                    raise BackupError(f"{path}: {info.name} is not in the manifest.")
                target = members / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(info) as source, target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[info.name]["sha256"]:
                    raise BackupError(
                        f"{path}: {info.name} does not match its SHA-256 in the manifest. "
                        "Nothing was restored; use another copy."
                    )
                seen.add(info.name)
    except tarfile.TarError as exc:
        raise BackupError(f"{path}: the archive inside is unreadable ({exc}).") from None
    finally:
        plain.unlink(missing_ok=True)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path}: {len(missing)} member(s) missing, first {missing[0]}.")
    opened = Opened(manifest, members)
    snapshot.check(opened.database, manifest["engine"])
    return opened


def verify(path: Path) -> dict:
    """Check a backup without restoring it: the seal, every hash, the dump opens."""
    with tempfile.TemporaryDirectory(prefix="parcours-verify-") as work:
        return open_archive(path, Path(work)).manifest


def restore(path: Path) -> list[str]:
    """Restore ``path`` into this (empty) database and files folder, then check it: every
    table's row count, a sample of values and files decrypted, the audit chain. Returns what
    was checked, for the operator."""
    sealing.identity()
    _refuse_without_field_keys()
    with tempfile.TemporaryDirectory(prefix="parcours-restore-") as work:
        opened = open_archive(path, Path(work))
        manifest = opened.manifest
        _refuse_unless_restorable(manifest)
        snapshot.load(opened.database, manifest["engine"])
        restored_files = _put_back_files(opened.folder / FILES)
    done = [f"Restored the {manifest['engine']} database made {manifest['made_at']}."]
    differ = {
        table: (rows, now)
        for table, rows in manifest["tables"].items()
        if (now := snapshot.counts([table]).get(table)) != rows
    }
    if differ:
        table, (rows, now) = next(iter(differ.items()))
        raise BackupError(
            f"Restored, but {len(differ)} table(s) differ from the backup, first {table}: "
            f"{rows} row(s) in the backup, {now} now. Do not use this database."
        )
    done.append(f"{len(manifest['tables'])} tables hold the rows the backup counted.")
    done.append(f"{restored_files} sealed file(s) put back.")
    done.append(_decrypt_sample())
    checked, broken, _last = audit.verify()
    if broken is not None:
        raise BackupError(f"Restored, but the audit trail is broken at row {broken.pk}.")
    done.append(f"The audit trail's {checked} row(s) chain intact.")
    Session.objects.all().delete()
    done.append("Every session ended: people sign in again.")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)
        done.append("Migrations newer than the backup applied.")
    audit.record_operation(AuditAction.RESTORE, "parcours.backup", _sha256(path))
    return done


def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add the file at ``path`` as ``name``, streamed; its hash and size for the manifest."""
    digest = _sha256(path)
    info = tar.gettarinfo(path, arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as source:
        tar.addfile(info, source)
    return {"sha256": digest, "bytes": info.size}


def _stored_files():
    """(path, name under the files folder) of every sealed file, in order."""
    root = Path(settings.PARCOURS_FILE_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.glob("*/*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and STORED.match(name):
            yield path, name


def _allowed(name: str) -> bool:
    return name in snapshot.MEMBERS.values() or (
        name.startswith(FILES) and bool(STORED.match(name[len(FILES) :]))
    )


def _manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(f"{path}: no readable manifest inside.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path}: format {manifest.get('format')!r}, this Parcours reads {FORMAT}."
        )
    if manifest.get("database") not in snapshot.MEMBERS.values():
        raise BackupError(f"{path}: the manifest names no database.")
    return manifest


def _key_fingerprints() -> dict:
    ring = keyring()
    return {
        "encryption": sorted(ring.by_id()),
        "blind_index": key_id(ring.blind_index_key),
        "audit": key_id(ring.audit_key),
    }


def _refuse_without_field_keys() -> None:
    """Outside production a missing key file would be made afresh: refuse instead, since new
    keys cannot read the backup."""
    if (
        not settings.PRODUCTION
        and not settings.PARCOURS_ENCRYPTION_KEYS
        and not Path(settings.PARCOURS_KEY_FILE).exists()
    ):
        raise BackupError(
            f"No field keys here: put back {settings.PARCOURS_KEY_FILE} (or set "
            "PARCOURS_ENCRYPTION_KEYS, PARCOURS_BLIND_INDEX_KEY and PARCOURS_AUDIT_KEY) from "
            "your key store first. Nothing was written."
        )


def _refuse_unless_restorable(manifest: dict) -> None:
    """Every reason not to write, checked before anything is written."""
    here = snapshot.engine()
    if manifest["engine"] != here:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and DATABASE_URL names a "
            f"{here} one; restore into the same kind. Nothing was written."
        )
    mine, theirs = _key_fingerprints(), manifest["keys"]
    lacking = sorted(set(theirs["encryption"]) - set(mine["encryption"]))
    if lacking:
        raise BackupError(
            f"The backup's values are sealed with encryption key {lacking[0]}, which "
            f"PARCOURS_ENCRYPTION_KEYS here lacks (it has {', '.join(mine['encryption'])}). "
            "Set the keys of the server that made the backup. Nothing was written."
        )
    for name, setting in (
        ("blind_index", "PARCOURS_BLIND_INDEX_KEY"),
        ("audit", "PARCOURS_AUDIT_KEY"),
    ):
        if theirs[name] != mine[name]:
            raise BackupError(
                f"{setting} here is key {mine[name]}; the backup was made with {theirs[name]}. "
                "Set the keys of the server that made the backup. Nothing was written."
            )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).graph.nodes}
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise BackupError(
            f"The backup was made by a newer Parcours ({manifest['parcours']}; migration "
            f"{newer[0]} is unknown here): install that version first. Nothing was written."
        )
    held = snapshot.holds_data()
    if held:
        listed = ", ".join(f"{count} {kind}" for kind, count in held.items())
        raise BackupError(
            f"This database already holds data ({listed}): restore only into a new, empty "
            "database. Nothing was written."
        )
    root = Path(settings.PARCOURS_FILE_ROOT)
    if root.is_dir() and any(root.rglob("*")):
        raise BackupError(
            f"The files folder {root} is not empty: restore only into an empty one. "
            "Nothing was written."
        )


def _put_back_files(source: Path) -> int:
    root = Path(settings.PARCOURS_FILE_ROOT)
    count = 0
    if not source.is_dir():
        return count
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in sorted(source.glob("*/*")):
        target = root / path.parent.name / path.name
        target.parent.mkdir(exist_ok=True, mode=0o700)
        target.write_bytes(path.read_bytes())
        target.chmod(0o600)
        count += 1
    return count


def _decrypt_sample() -> str:
    """Open a few values of every encrypted column and a few sealed files: the keys read them."""
    values = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            rows = (
                model._base_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .order_by("pk")[:SAMPLE]
            )
            for row in rows:
                try:
                    getattr(row, field.attname)
                except DecryptionError as exc:
                    raise BackupError(
                        f"Restored, but {model._meta.label}.{field.name} of row {row.pk} does "
                        f"not decrypt ({exc})."
                    ) from None
                values += 1
    opened = 0
    for path, name in list(_stored_files())[:SAMPLE]:
        try:
            files.load(path.name)
        except DecryptionError as exc:
            raise BackupError(
                f"Restored, but the sealed file {name} does not open ({exc})."
            ) from None
        opened += 1
    return f"{values} sampled value(s) and {opened} sealed file(s) decrypt with the keys here."


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()

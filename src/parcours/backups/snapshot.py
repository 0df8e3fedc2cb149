"""The database's part of a backup: a consistent snapshot, its row counts, and the way back.

SQLite: the online backup API copies the database page by page as one read, while the server
keeps running. PostgreSQL: pg_dump (custom format) reads a snapshot exported from a REPEATABLE
READ transaction, and the row counts are taken in that same transaction, so they describe
exactly what was dumped.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from parcours.backups.sealing import BackupError

MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose rows mean a database is in use; reference rows laid by migrations do not count.
IN_USE = {
    "accounts.User": "users",
    "projects.Project": "projects",
    "cases.Family": "families",
    "privacy.AuditEvent": "audit rows",
}


@dataclass
class Snapshot:
    engine: str
    path: Path
    counts: dict[str, int]  # table -> rows, as dumped
    migrations: list[str]  # "app.name" of every migration applied


def engine() -> str:
    if connection.vendor not in MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def take(folder: Path) -> Snapshot:
    """Write a consistent copy of the database into ``folder``."""
    kind = engine()
    path = folder / MEMBERS[kind]
    if kind == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
            tables = [
                name
                for (name,) in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            counts = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 (names from the catalogue)
            migrations = _applied(copy.execute("SELECT app, name FROM django_migrations"))
        finally:
            copy.close()
        return Snapshot(kind, path, counts, migrations)
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]
        _run(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={exported}",
            f"--file={path}",
        )
        counts = _counts(cursor, sorted(connection.introspection.table_names(cursor)))
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = _applied(cursor.fetchall())
    return Snapshot(kind, path, counts, migrations)


def check(path: Path, kind: str) -> None:
    """The dump opens with its own engine's tools (after its hash has matched)."""
    if kind == "sqlite":
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            result = str(exc)
        finally:
            db.close()
        if result != "ok":
            raise BackupError(f"The database in the backup does not open: {result}")
    else:
        _run("pg_restore", "--list", str(path))


def holds_data() -> dict[str, int]:
    """What the current database already holds, by kind: a restore goes into an empty one."""
    tables = set(connection.introspection.table_names())
    held = {}
    for label, kind in IN_USE.items():
        model = apps.get_model(label)
        if model._meta.db_table in tables:
            count = model._base_manager.count()
            if count:
                held[kind] = count
    return held


def load(path: Path, kind: str) -> None:
    """Put the dump in place of the current database (checked empty by the caller)."""
    connection.close()
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    _run(
        "pg_restore",
        "--exit-on-error",
        "--single-transaction",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    )


def counts(tables) -> dict[str, int]:
    """Rows per table now, for the tables named."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        return _counts(cursor, [t for t in tables if t in present])


def _counts(cursor, tables) -> dict[str, int]:
    found = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        found[table] = cursor.fetchone()[0]
    return found


def _applied(rows) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in rows)


def _run(tool: str, *args: str) -> None:
    """Run a PostgreSQL client tool against the configured database (password via the
    environment, never the command line)."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: apt-get install postgresql-client (the server's major "
            "version or newer)."
        )
    result = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
        [tool, *args], env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def _pg_environment() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings.get(key):
            env[name] = str(settings[key])
    if settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings["OPTIONS"]["sslmode"]
    return env

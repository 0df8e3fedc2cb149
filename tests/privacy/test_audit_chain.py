"""The audit trail is tamper-evident: every row chained to the one before it with a keyed hash,
`parcours verify-audit` names the first break, and the database refuses rewrites."""

import io
import threading
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from parcours.privacy import audit
from parcours.privacy.models import AuditAction, AuditEvent


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _lift_triggers_and(statement: str, params=()):
    """What someone with the database owner's rights could do: lift the guard and edit."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
            cursor.execute("ALTER TABLE privacy_auditevent DISABLE TRIGGER USER")
            cursor.execute(statement, params)
            cursor.execute("ALTER TABLE privacy_auditevent ENABLE TRIGGER USER")
        else:
            names = ["audit_no_update", "audit_no_delete", "audit_no_replace"]
            sql = {
                r[0]: r[1]
                for r in cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                ).fetchall()
            }
            for name in names:
                cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(statement, params)
            for name in names:
                cursor.execute(sql[name])


def test_an_intact_trail_verifies(make_family, case_manager, login):
    family = make_family("active")
    login(case_manager).get(family.get_absolute_url())
    assert "chain is intact" in _verify()
    rows = list(AuditEvent.objects.order_by("id"))
    assert len(rows) > 3 and all(len(r.chain) == 64 for r in rows)
    assert len({r.chain for r in rows}) == len(rows)


@pytest.mark.parametrize(
    "tamper",
    [
        ("UPDATE privacy_auditevent SET object_id = 'x' WHERE id = %s", "changed"),
        ("DELETE FROM privacy_auditevent WHERE id = %s", "removed"),
    ],
)
def test_a_changed_or_removed_row_breaks_the_chain_at_that_place(make_family, tamper):
    make_family("active")
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    victim = ids[len(ids) // 2]
    _lift_triggers_and(tamper[0], [victim])
    with pytest.raises(CommandError, match="broken at row") as failure:
        _verify()
    expected = victim if tamper[1] == "changed" else ids[ids.index(victim) + 1]
    assert f"row {expected} " in str(failure.value)


def test_a_row_slipped_in_with_a_made_up_chain_is_found(make_family, case_manager):
    make_family("active")
    last = AuditEvent.objects.order_by("-id").first()
    forged = AuditEvent(
        user=case_manager, action="view", object_type="cases.family", object_id="1", page="x"
    )
    forged.chain = "f" * 64
    AuditEvent.objects.bulk_create([forged])
    with pytest.raises(CommandError, match=f"broken at row {forged.pk} "):
        _verify()
    assert last.pk < forged.pk


def test_concurrent_appends_chain_in_order(make_family, case_manager):
    """Rows appended in one batch and one by one form one chain."""
    family = make_family("active")
    audit.record_many(audit.Actor(case_manager), "view", [family] * 5)
    audit.record(audit.Actor(case_manager), "view", family)
    checked, broken, _last = audit.verify()
    assert broken is None and checked == AuditEvent.objects.count()


@pytest.mark.django_db(transaction=True)
def test_writers_appending_at_the_same_time_keep_one_chain():
    """Four connections append at once, each row in its own transaction: each waits for the
    lock and reads the last row after it, so no two rows follow the same one."""

    def append(start):
        try:
            start.wait()
            for _ in range(25):
                audit.record_operation(AuditAction.BACKUP, "parcours.backup", "at once")
        finally:
            connections.close_all()

    start = threading.Barrier(4)
    writers = [threading.Thread(target=append, args=(start,)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    checked, broken, _last = audit.verify()
    assert AuditEvent.objects.filter(object_id="at once").count() == 100
    assert broken is None and checked == AuditEvent.objects.count()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's REPLACE conflict rule")
def test_sqlite_refuses_insert_or_replace_over_a_row(make_family):
    make_family("active")
    row = AuditEvent.objects.order_by("id").first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT OR REPLACE INTO privacy_auditevent "
            "(id, at, action, object_type, object_id, page, chain) "
            "VALUES (%s, '2026-01-01 00:00:00', 'view', 'x', 'y', '', '')",
            [row.pk],
        )
    assert AuditEvent.objects.get(pk=row.pk).object_type == row.object_type


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
def test_the_application_role_cannot_alter_or_drop_the_audit_guard(make_family):
    """docs/operators.md: the application runs as a role that may insert and read the trail
    but owns neither the table nor its triggers."""
    make_family("active")
    role = f"parcours_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT ON privacy_auditevent TO {role}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE privacy_auditevent_id_seq TO {role}")
        cursor.execute(f"SET ROLE {role}")
        try:
            for statement in (
                "ALTER TABLE privacy_auditevent DISABLE TRIGGER USER",
                "DROP TRIGGER audit_append_only ON privacy_auditevent",
                "DROP TABLE privacy_auditevent",
                "DELETE FROM privacy_auditevent",
                "UPDATE privacy_auditevent SET action = 'view'",
                "TRUNCATE privacy_auditevent",
            ):
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM privacy_auditevent")
            assert cursor.fetchone()[0] > 0
        finally:
            cursor.execute("RESET ROLE")

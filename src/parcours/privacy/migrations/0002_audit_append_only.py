"""Database triggers that refuse UPDATE and DELETE on the audit trail, on SQLite and PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON privacy_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON privacy_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"]

POSTGRES = [
    """CREATE FUNCTION parcours_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON privacy_auditevent
       FOR EACH ROW EXECUTE FUNCTION parcours_audit_append_only()""",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON privacy_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION parcours_audit_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER audit_no_truncate ON privacy_auditevent",
    "DROP TRIGGER audit_append_only ON privacy_auditevent",
    "DROP FUNCTION parcours_audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]

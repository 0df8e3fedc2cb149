"""SQLite triggers of the audit trail, laid again after 0003.

Adding columns makes SQLite rebuild the table, which drops its triggers: they are created
again here. And INSERT OR REPLACE deletes the row it replaces without firing the delete trigger
(recursive triggers are off), so a row could be rewritten: an insert over an existing id is
refused too.
"""

import importlib

from django.db import migrations

append_only = importlib.import_module("parcours.privacy.migrations.0002_audit_append_only")

NO_REPLACE = """CREATE TRIGGER audit_no_replace BEFORE INSERT ON privacy_auditevent
   WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM privacy_auditevent WHERE id = NEW.id)
   BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"""
SQLITE = [*append_only.SQLITE, NO_REPLACE]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    "DROP TRIGGER IF EXISTS audit_no_replace",
]


def lay(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*SQLITE_DROP, *SQLITE]:
            schema_editor.execute(statement)


def unlay(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_replace")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_audit_chain_and_pages")]

    operations = [migrations.RunPython(lay, unlay)]

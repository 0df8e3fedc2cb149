from django.db import migrations, models

# The covering index of answers by code and value stays on SQLite, whose report narrowed to a
# period needs it; on PostgreSQL it cost an import of 30 000 sheets a fifth of its time (1 676
# rows/s with it, 2 074 without) for reports as fast from the unique index. Django's state
# keeps it (SQLite's schema), so only this migration differs by database.
CODE_VALUE = "answer_code_value"


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(CODE_VALUE)}")


def restore_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        answer = apps.get_model("instruments", "Answer")
        index = next(i for i in answer._meta.indexes if i.name == CODE_VALUE)
        schema_editor.add_index(answer, index)


class Migration(migrations.Migration):
    dependencies = [("instruments", "0013_answer_tally")]

    operations = [
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("text", ""), _negated=True),
                fields=["code"],
                name="answer_free_text",
            ),
        ),
        migrations.RunPython(drop_on_postgresql, restore_on_postgresql),
    ]

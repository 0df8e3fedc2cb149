import parcours.privacy.fields
from django.db import migrations

# Values written before these columns were encrypted are sealed now, bound to their row as the
# field would bind them; values already sealed are left alone.
COLUMNS = ("languages", "referring_organisation")


def seal(apps, schema_editor):
    from parcours.privacy.crypto import PREFIX, associated_data, encrypt
    from parcours.privacy.fields import Sealed

    Family = apps.get_model("cases", "Family")
    for column in COLUMNS:
        rows = Family.objects.exclude(**{column: ""}).values_list("pk", column)
        for pk, value in rows.iterator():
            if str(value).startswith(PREFIX + ":"):
                continue
            sealed = encrypt(str(value), associated_data("cases_family", column, pk))
            Family.objects.filter(pk=pk).update(**{column: Sealed(sealed)})


def unseal(apps, schema_editor):
    from parcours.privacy.crypto import associated_data, decrypt

    Family = apps.get_model("cases", "Family")
    for column in COLUMNS:
        for pk, value in Family.objects.exclude(**{column: ""}).values_list("pk", column):
            plain = decrypt(str(value), associated_data("cases_family", column, pk))
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE cases_family SET {column} = %s WHERE id = %s",  # noqa: S608
                    [plain, pk.hex if schema_editor.connection.vendor == "sqlite" else pk],
                )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_pooled_families'),
    ]

    operations = [
        migrations.AlterField(
            model_name='family',
            name='email',
            field=parcours.privacy.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='family',
            name='languages',
            field=parcours.privacy.fields.EncryptedCharField(blank=True, help_text='For example: Arabic, French.', max_length=200, verbose_name='languages spoken'),
        ),
        migrations.AlterField(
            model_name='family',
            name='referring_organisation',
            field=parcours.privacy.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='referring organisation'),
        ),
        migrations.RunPython(seal, unseal),
    ]

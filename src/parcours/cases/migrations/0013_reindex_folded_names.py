"""Names are folded further for search (Turkish dotless ı, ł, ø, æ …: parcours.privacy.crypto):
the name index is written again so that existing names with those letters are found."""

from django.db import migrations


def reindex(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    if not Person.objects.exists():
        return
    # The index is keyed and the names are sealed: only the application's own code reads them.
    from parcours.cases.services import reindex_names

    reindex_names()


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_text_limits")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]

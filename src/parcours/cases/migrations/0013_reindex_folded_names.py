"""Names are folded further for search (Turkish dotless ı, ł, ø, æ …: parcours.privacy.crypto).
The index is written again by 0014, which adds the names' first letters and sounds: running the
application's indexing here would write a column that does not exist yet."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_text_limits")]
    operations = []

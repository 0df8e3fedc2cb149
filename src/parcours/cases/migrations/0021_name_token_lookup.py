"""The name keys' index carries each digest's person and file, so that the search and the
look-up of earlier files read them from the index alone on PostgreSQL (SQLite has no such
index and builds a plain one). Made before the old one is dropped, so look-ups stay fast."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_name_token_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nametoken",
            index=models.Index(
                fields=["digest"], include=("person", "family"), name="name_token_lookup"
            ),
        ),
        migrations.RemoveIndex(
            model_name="nametoken",
            name="name_token_digest",
        ),
    ]

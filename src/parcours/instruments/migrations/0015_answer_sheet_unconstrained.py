# The answers' link to their sheet loses its constraint in the database (see Answer.response):
# on PostgreSQL the constraint is dropped; SQLite copies the table once, as it does for any
# change of a column.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('instruments', '0014_answer_free_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answer',
            name='response',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='instruments.response'),
        ),
    ]

# The idempotency records now belong to core (core 0002 takes over this table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_idempotency_record"),
        ("core", "0002_idempotency_record"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]

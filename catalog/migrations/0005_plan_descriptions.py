"""Plans get a description in every language (X1, S1), where none was written."""

from django.db import migrations

from catalog.demo import catalog_translations_fill


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    catalog_translations_fill(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_catalog_per_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""A usable catalog after a plain ``migrate`` (S1, P5); see catalog/demo.py."""

from django.db import migrations

from catalog.demo import catalog_seed


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    catalog_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

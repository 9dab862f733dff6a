"""Formerly loaded the catalog in English only; since names and descriptions are
stored per language, 0004 loads it (or translates a catalog loaded by this one)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []

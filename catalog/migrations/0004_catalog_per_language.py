"""Catalog text per language (X1, S1).

Existing rows keep their text as English (``name`` -> ``name_en``, likewise for
descriptions and VAT mentions); rows still carrying the seed's English text get
its Spanish, French, German and Italian; an empty catalog gets the whole seed.
"""

from django.db import migrations

from catalog.demo import catalog_seed, catalog_translations_fill

TRANSLATED = {
    "Offer": ("name", "description"),
    "Plan": ("name", "description"),
    "VatRate": ("mention",),
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("catalog", model_name)
        for row in model.objects.all():
            changed = []
            for field in fields:
                if not getattr(row, f"{field}_en"):
                    setattr(row, f"{field}_en", getattr(row, field))
                    changed.append(f"{field}_en")
            if changed:
                row.save(update_fields=changed)
    catalog_translations_fill(apps)
    if not apps.get_model("catalog", "Offer").objects.exists():
        catalog_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_names_per_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

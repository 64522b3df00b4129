"""Store every text in one Unicode form: NFC, without invisible characters (kernel.text.clean_input).

Names typed or pasted in decomposed form (NFD) were stored as they came: “Huyện Phù Cừ” twice, one the admin's
search could not find. From now on every save normalises (kernel's pre_save receiver and the write service);
this migration does it once for what is stored, in the apps whose text people and files supply.
"""

import unicodedata

from django.db import migrations, models

APPS = ("localities", "plans", "indicators", "workflow")
INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def clean(text):
    return unicodedata.normalize("NFC", text.translate(INVISIBLE)) if isinstance(text, str) else text


def normalise(apps, schema_editor):
    for model in apps.get_models():
        if model._meta.app_label not in APPS or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not names:
            continue
        changed = []
        for row in model._base_manager.only("pk", *names).iterator(chunk_size=2000):
            dirty = False
            for name in names:
                value = getattr(row, name)
                cleaned = clean(value)
                if cleaned != value:
                    setattr(row, name, cleaned)
                    dirty = True
            if dirty:
                changed.append(row)
        if changed:
            model._base_manager.bulk_update(changed, names, batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("localities", "0003_lineage_shares"),
        ("plans", "0007_plan_data_revision"),
        ("indicators", "0002_history_versions_results"),
        ("workflow", "0003_history_initial_load_marked"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]

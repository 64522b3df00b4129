"""The decimals each seed plan prints its rates with, for databases loaded before they were recorded.

The seed documents write every figure as printed ("1,2" for Kim Động 2023 in Hưng Yên's Phụ lục 01). A database
loaded before published_rate_places existed shows every rate with two decimals; this reads the places from the
same files the loader reads and records them — only on rates still as published (an edited rate keeps its own).
A database without the seed plans is left as it is.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

PLANS_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "plans"


def _places(text: str) -> int:
    text = str(text).strip()
    return min(2, len(text.split(",", 1)[1])) if "," in text else 0


def _value(text: str) -> Decimal:
    return Decimal(str(text).strip().replace(".", "").replace(",", "."))


def record_places(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    HouseholdFigure = apps.get_model("plans", "HouseholdFigure")
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        plan = Plan.objects.filter(slug=(data.get("plan") or {}).get("slug")).first()
        if plan is None:
            continue
        for appendix in data.get("appendices") or []:
            columns = appendix.get("columns") or []
            for row in appendix.get("rows") or []:
                for column, text in zip(columns, row.get("values") or [], strict=False):
                    if column.get("field") != "poverty_rate" or text in (None, ""):
                        continue
                    HouseholdFigure.objects.filter(
                        plan=plan,
                        locality__slug=row.get("locality"),
                        year=column["year"],
                        kind=column["kind"],
                        published_rate=_value(text),
                        published_rate_places__isnull=True,
                    ).update(published_rate_places=_places(text))


class Migration(migrations.Migration):
    dependencies = [("plans", "0008_published_rate_places")]

    operations = [migrations.RunPython(record_places, migrations.RunPython.noop)]

"""The decimals each seed plan prints its indicator values with, for databases loaded before they were recorded.

The seed documents write every value as printed ("9,7", "60,68", "100" in Hưng Yên's Phụ lục 02; "1,76", "2.050" in
the text of Thừa Thiên Huế's plan). This reads the places from the same files the loader reads — the appendix cells
and the values stated in the text — and records them, only on values still as published (an edited value keeps its
own). A database without the seed plans is left as it is.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

PLANS_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "plans"


def _places(text) -> int:
    text = str(text).strip()
    return min(2, len(text.split(",", 1)[1])) if "," in text else 0


def _value(text) -> Decimal:
    return Decimal(str(text).strip().replace(".", "").replace(",", "."))


def _printed(item: dict, appendices: dict) -> dict:
    """(year, kind) → the value's text as printed, as seeding.seeds reads it: the appendix cells, then the text's."""
    printed = {}
    appendix = appendices.get(str(item["appendix"])) if item.get("appendix") else None
    if appendix is not None:
        year_columns = [column for column in appendix.get("columns") or [] if column.get("year")]
        for column, text in zip(year_columns, item.get("cells") or [], strict=False):
            if text not in (None, ""):
                printed[(column["year"], column["kind"])] = text
    for entry in item.get("values") or []:
        printed[(entry["year"], entry.get("kind", "target"))] = entry["value"]
    return printed


def record_places(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        plan = Plan.objects.filter(slug=(data.get("plan") or {}).get("slug")).first()
        if plan is None:
            continue
        appendices = {str(appendix["code"]): appendix for appendix in data.get("appendices") or []}
        for item in data.get("indicators") or []:
            for (year, kind), text in _printed(item, appendices).items():
                IndicatorValue.objects.filter(
                    plan_indicator__plan=plan,
                    plan_indicator__indicator__code=item["indicator"],
                    year=year,
                    kind=kind,
                    value=_value(text),
                    value_places__isnull=True,
                ).update(value_places=_places(text))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_value_places"), ("plans", "0009_seed_rate_places")]

    operations = [migrations.RunPython(record_places, migrations.RunPython.noop)]

"""The reads of a plan's tables that every page, check, grid and workbook shares.

Each runs a fixed number of queries, whatever the number of rows: the plan page, the export and the
data-quality check read a plan's tables once, through `plan_tables`, and share what they read.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch

from indicators.models import Dimension, IndicatorValue, PlanIndicator, Qualifier, ValueKind
from kernel.numbers import measure_as_printed, written_places
from plans.models import Agency, Appendix, AppendixKind, Plan

from .household import HouseholdTable, household_table


def plan_indicators(plan: Plan, *, with_coordinating: bool = False):
    """The plan's indicators with their values (and their coordinating agencies, for the pages that list them)."""
    indicators = (
        PlanIndicator.objects.filter(plan=plan)
        .select_related("indicator__dimension", "lead_agency__province", "appendix", "section")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "kind")))
        .order_by("order")
    )
    if with_coordinating:
        indicators = indicators.prefetch_related(
            Prefetch("coordinating_agencies", queryset=Agency.objects.select_related("province"))
        )
    return indicators


@dataclass
class IndicatorRow:
    plan_indicator: PlanIndicator
    cells: list  # per year of the table: the IndicatorValue or None

    @property
    def indicator(self):
        return self.plan_indicator.indicator


@dataclass
class IndicatorGroup:
    dimension: Dimension
    rows: list[IndicatorRow]


@dataclass
class IndicatorTable:
    years: list[tuple[int, str]]  # (year, kind) column keys in order: baselines first, then targets
    groups: list[IndicatorGroup]


def indicator_table(plan: Plan, plan_indicator_list: list[PlanIndicator] | None = None) -> IndicatorTable:
    """A plan's indicator values by dimension, one column per (year, kind) that any value uses.

    `plan_indicator_list`: the plan's indicators as `plan_indicators` reads them, when the caller has them already."""
    if plan_indicator_list is None:
        plan_indicator_list = list(plan_indicators(plan, with_coordinating=True))
    keys = sorted(
        {(value.year, value.kind) for pi in plan_indicator_list for value in pi.values.all()},
        key=lambda key: (key[0], key[1] != ValueKind.BASELINE, key[1]),
    )
    groups: dict[int, IndicatorGroup] = {}
    for pi in sorted(plan_indicator_list, key=lambda pi: (pi.indicator.dimension.order, pi.order)):
        by_key = {(value.year, value.kind): value for value in pi.values.all()}
        group = groups.setdefault(pi.indicator.dimension_id, IndicatorGroup(pi.indicator.dimension, []))
        group.rows.append(IndicatorRow(pi, [by_key.get(key) for key in keys]))
    return IndicatorTable(years=keys, groups=list(groups.values()))


class ValueValues(NamedTuple):
    """An indicator value as a save would leave it: what the data-quality check reads of an IndicatorValue."""

    year: int
    kind: str
    qualifier: str
    value_as_printed: Decimal


def values_with_edits(
    plan_indicators: list[PlanIndicator], edits: dict[tuple[int, int, str], dict]
) -> dict[int, list[ValueValues]]:
    """Each indicator's values as they would be once `edits` are saved: (plan indicator, year, kind) → {"value": …,
    "qualifier": …} (the indicator's side of plan_tables.household.table_with_edits).

    Nothing is read or written (the values are those `plan_indicators` carry). A new value is shown with the
    decimals it was typed with, as the write service stores it; a value equal to the stored one keeps the stored
    decimals; a value cleared is gone."""
    after: dict[int, list[ValueValues]] = {}
    for plan_indicator in plan_indicators:
        stored = {(value.year, value.kind): value for value in plan_indicator.values.all()}
        keys = stored.keys() | {(year, kind) for (owner, year, kind) in edits if owner == plan_indicator.pk}
        values = []
        for year, kind in sorted(keys):
            current, given = stored.get((year, kind)), edits.get((plan_indicator.pk, year, kind), {})
            new = given.get("value", current.value if current else None)
            if new is None:
                continue
            if current is not None and Decimal(new) == current.value:
                printed = current.value_as_printed
            else:
                printed = measure_as_printed(new, written_places(Decimal(new)))
            qualifier = given.get("qualifier") or (current.qualifier if current else Qualifier.EXACTLY)
            values.append(ValueValues(year, kind, qualifier, printed))
        after[plan_indicator.pk] = values
    return after


def household_appendices(plan: Plan) -> list[Appendix]:
    return list(plan.appendices.filter(kind=AppendixKind.HOUSEHOLD_FIGURES).order_by("order"))


@dataclass
class PlanTables:
    """A plan's appendices, household tables and indicators (with their values), read once for the readers that
    need them all — the plan page, the export, the data-quality check — so that they share the reads."""

    appendices: list[Appendix]  # in the document's order
    household: dict[int, HouseholdTable]  # by appendix id: the household tables among `appendices`
    indicators: list[PlanIndicator]  # as `plan_indicators` reads them: the plan's, or those of `appendices`


def plan_tables(plan: Plan, appendices: list[Appendix] | None = None) -> PlanTables:
    """The plan's tables: all of them with every indicator of the plan, or only `appendices` with their own
    indicators (an export's). Three queries, whatever the size, plus two per household appendix."""
    if appendices is None:
        appendices, indicators = list(plan.appendices.order_by("order", "code")), plan_indicators(plan)
    else:
        indicator_appendices = [a.pk for a in appendices if a.kind == AppendixKind.INDICATOR_TARGETS]
        indicators = plan_indicators(plan).filter(appendix__in=indicator_appendices) if indicator_appendices else []
    return PlanTables(
        appendices=appendices,
        household={
            appendix.pk: household_table(appendix, with_figures=False)
            for appendix in appendices
            if appendix.kind == AppendixKind.HOUSEHOLD_FIGURES
        },
        indicators=list(indicators),
    )

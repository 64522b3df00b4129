"""Figures carried across the reform: a unit's series with, before it existed, its predecessors' figures
re-aggregated onto it; and an old plan's table carried onto today's units.

Households and poor households are summed (or shared, by the succession's share of households, in whole
households); a rate is always recomputed from the counts, never averaged — except where one predecessor passed
wholly to the unit (a rename, an upgrade) and published a rate without a household total (Thừa Thiên Huế): that
rate is the unit's own, carried as published. Every derived point says from which units it comes; a point that
lacks a predecessor's figure is incomplete (its partial sum is shown as such, never as the total); a point that
needed a share nobody recorded, or mixes poverty standards, is not comparable.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.utils import timezone

from kernel.numbers import Formatter, compute_rate
from localities.lineage import WHOLE, Lineage, names, unit_dates
from localities.models import Locality
from plan_tables.household import COUNT_FIELDS, Column, HouseholdTable
from plans.models import FigureKind, HouseholdFigure, Plan

COUNTS = ("households", "poor_households")


class Source(NamedTuple):
    """A unit whose figure went into a point, with the share of it that did (None: unknown). A named tuple: the
    national table on today's units makes one per row (10.600), and a frozen dataclass was three times slower."""

    locality_id: int
    name: str
    slug: str
    share: Fraction | None
    plan_reference: str = ""
    plan_slug: str = ""  # the plan that published the figure (the API names plans by slug)

    @property
    def share_percent(self) -> Decimal | None:
        if self.share is None:
            return None
        return (Decimal(self.share.numerator) * 100 / Decimal(self.share.denominator)).quantize(Decimal("0.01"))


@dataclass
class Point:
    """One year and kind of a unit's series: its own figure, or one derived from its predecessors'."""

    year: int
    kind: str
    households: int | None = None
    poor_households: int | None = None
    rate: Decimal | None = None
    derived: bool = False
    sources: list[Source] = field(default_factory=list)
    missing: list[Source] = field(default_factory=list)  # predecessors without a figure for the year
    share_unknown: bool = False
    standards: set = field(default_factory=set)
    partial_households: int | None = None  # the sum of what is known, when incomplete
    partial_poor: int | None = None
    standard_changed: bool = False  # measured under another standard than the previous point of the same kind

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def comparable(self) -> bool:
        return self.complete and not self.share_unknown and len(self.standards) <= 1 and not self.standard_changed

    @property
    def standard(self) -> str | None:
        return next(iter(self.standards)) if len(self.standards) == 1 else None


@dataclass
class _Value:
    households: int | None
    poor: int | None
    rate: Decimal | None
    sources: list[Source]
    missing: list[Source]
    share_unknown: bool
    standards: set
    own: bool


def _sum(values):
    values = list(values)
    return None if not values or any(v is None for v in values) else sum(values)


class _Figures:
    """The figures of some units, the latest plan's per unit, year and kind (one query)."""

    def __init__(self, unit_ids, plans, years=None):
        query = HouseholdFigure.objects.filter(locality_id__in=unit_ids, plan__in=plans)
        if years is not None:
            query = query.filter(year__in=years)
        rows = query.order_by("plan__first_year", "plan_id").values_list(
            "locality_id",
            "year",
            "kind",
            "households",
            "poor_households",
            "published_rate",
            "standard",
            "plan__document_type",
            "plan__number",
            "plan__symbol",
            "plan__slug",
        )
        self.by_key: dict[tuple[int, int, str], tuple] = {}
        self.plan_slugs: dict[tuple[int, int, str], str] = {}
        for locality_id, year, kind, *values, plan_slug in rows:
            self.by_key[locality_id, year, kind] = tuple(values)  # a later plan's figure replaces an earlier one
            self.plan_slugs[locality_id, year, kind] = plan_slug

    @classmethod
    def from_mapping(cls, by_key: dict) -> "_Figures":
        """Figures given as {(unit id, year, kind): (households, poor, published rate, standard, document type,
        number, symbol)} — for computations that have read them already, and for tests of the rules."""
        figures = cls.__new__(cls)
        figures.by_key = dict(by_key)
        figures.plan_slugs = {}
        return figures

    def get(self, unit_id: int, year: int, kind: str):
        return self.by_key.get((unit_id, year, kind))

    def years(self) -> set[int]:
        return {year for _unit, year, _kind in self.by_key}


def _reference(document_type, number, symbol) -> str:
    return Plan(document_type=document_type, number=number or "", symbol=symbol or "").reference


class Series:
    """A unit's figures by year and kind, its predecessors' carried onto it before it existed."""

    def __init__(self, unit: Locality, *, plans, lineage: Lineage | None = None):
        self.unit = unit
        self.lineage = lineage or Lineage.around([unit.pk])
        ids = {unit.pk} | self.lineage.ancestors(unit.pk)
        self.units = names(ids) if len(ids) > 1 else {unit.pk: unit}
        self.figures = _Figures(ids, plans)
        self._memo: dict = {}

    @classmethod
    def from_data(cls, unit, *, lineage: Lineage, units: dict, figures: dict) -> "Series":
        """A series over data already read: `units` by id (anything with pk, name, slug, valid_from), `figures` as
        `_Figures.from_mapping` takes them."""
        series = cls.__new__(cls)
        series.unit, series.lineage, series.units = unit, lineage, units
        series.figures = _Figures.from_mapping(figures)
        series._memo = {}
        return series

    def _derivable(self, unit_id: int, year: int) -> bool:
        """A unit's figures are derived from its predecessors' for the years up to the one it began in."""
        unit = self.units[unit_id]
        return bool(self.lineage.predecessors.get(unit_id)) and (
            unit.valid_from is None or year <= unit.valid_from.year
        )

    def value(self, unit_id: int, year: int, kind: str, path: frozenset = frozenset()) -> _Value | None:
        key = (unit_id, year, kind)
        if key in self._memo:
            return self._memo[key]
        unit = self.units[unit_id]
        figure = self.figures.get(unit_id, year, kind)
        result = None
        if figure is not None:
            households, poor, published, standard, *plan = figure
            rate = compute_rate(poor, households)
            result = _Value(
                households,
                poor,
                rate if rate is not None else published,
                [
                    Source(
                        unit_id,
                        unit.name,
                        unit.slug,
                        Fraction(1),
                        _reference(*plan),
                        self.figures.plan_slugs.get(key, ""),
                    )
                ],
                [],
                False,
                {standard},
                True,
            )
        elif self._derivable(unit_id, year) and unit_id not in path:
            result = self._combine(unit_id, year, kind, path | {unit_id})
        self._memo[key] = result
        return result

    def _combine(self, unit_id: int, year: int, kind: str, path: frozenset) -> _Value | None:
        parts_households, parts_poor, sources, missing, standards = [], [], [], [], set()
        share_unknown = False
        single_whole = None
        edges = sorted(self.lineage.predecessors[unit_id], key=lambda e: e.predecessor_id)
        for edge in edges:
            predecessor = self.units[edge.predecessor_id]
            value = self.value(edge.predecessor_id, year, kind, path)
            if value is None:
                missing.append(Source(predecessor.pk, predecessor.name, predecessor.slug, edge.share))
                continue
            share_unknown |= edge.share is None or value.share_unknown
            missing += value.missing
            standards |= value.standards
            for source in value.sources:
                share = None if source.share is None or edge.share is None else source.share * edge.share
                sources.append(
                    Source(source.locality_id, source.name, source.slug, share, source.plan_reference, source.plan_slug)
                )
            parts_households.append(self.lineage.part(value.households, edge))
            parts_poor.append(self.lineage.part(value.poor, edge))
            if len(edges) == 1 and edge.share == 1:
                single_whole = value
        if not sources:
            return None  # none of its predecessors has a figure for the year: nothing to carry
        households, poor = _sum(parts_households), _sum(parts_poor)
        rate = compute_rate(poor, households)
        if rate is None and single_whole is not None:
            rate = single_whole.rate  # a rename or upgrade: the unit's own published rate, carried whole
        return _Value(households, poor, rate, sources, missing, share_unknown, standards, False)

    def points(self, years=None) -> list[Point]:
        """Every year and kind with a figure, own or derived, in order; a change of standard is marked."""
        wanted = sorted(years if years is not None else self.figures.years())
        points, last_standard = [], {}
        for year in wanted:
            for kind in (FigureKind.RESULT, FigureKind.TARGET):
                value = self.value(self.unit.pk, year, kind)
                if value is None:
                    continue
                point = Point(
                    year=year,
                    kind=kind,
                    derived=not value.own,
                    sources=value.sources,
                    missing=value.missing,
                    share_unknown=value.share_unknown,
                    standards=value.standards,
                    rate=value.rate if not value.missing else None,
                )
                if value.missing:
                    # The sum of what is known: shown as partial, never as the unit's total.
                    point.partial_households, point.partial_poor = value.households, value.poor
                else:
                    point.households, point.poor_households = value.households, value.poor
                previous = last_standard.get(kind)
                if previous is not None and value.standards and value.standards != previous:
                    point.standard_changed = True
                if value.standards:
                    last_standard[kind] = value.standards
                points.append(point)
        return points


def unit_series(unit: Locality, plans) -> list[Point]:
    return Series(unit, plans=plans).points()


# --- an old plan's table on today's units -----------------------------------------------------------


@dataclass
class CarriedRow:
    """Today's unit and what the old table's rows carry onto it."""

    unit: Locality
    cells: list  # per column of the table: a count carried, a rate recomputed, or None
    sources: list[Source]
    missing: list[Source]  # its predecessors that are not rows of the table
    share_unknown: bool
    columns: list = field(default_factory=list)  # the table's columns, for the cells

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def comparable(self) -> bool:
        return self.complete and not self.share_unknown

    @property
    def cells_with_columns(self) -> list[tuple[Column, object]]:
        return list(zip(self.columns, self.cells, strict=True))

    @property
    def shown_cells(self) -> list[str]:
        """The cells as the page writes them (7.540, 2,27), formatted here: a national table has 50.000 of them,
        too many for a template filter each."""
        return self.formatted_cells(Formatter())

    def formatted_cells(self, formatter: Formatter) -> list[str]:
        """As shown_cells, with the language's separators looked up once for the whole table."""
        return [
            formatter.decimal(cell) if column.is_rate and cell is not None else formatter.count(cell)
            for column, cell in zip(self.columns, self.cells, strict=True)
        ]


@dataclass
class TodayTable:
    table: HouseholdTable
    day: datetime.date
    rows: list[CarriedRow]
    unresolved: list[Source]  # rows whose units ended with no successor recorded
    current: list[Source]  # rows whose units are today's already (shown as they are)


def table_on_units_of(table: HouseholdTable, day: datetime.date | None = None) -> TodayTable:
    """The table's count columns carried onto the units valid on `day` (today by default), the rates recomputed.

    A fixed number of queries: the succession graph (one), the units met (one), the units shown (one)."""
    day = day or timezone.localdate()
    lineage = Lineage.load()
    rows = [*table.rows, *([table.total] if table.total else [])]
    row_ids = {row.locality_id for row in rows}
    reached, stack = set(row_ids), list(row_ids)  # the rows' units and all their descendants: one walk for all
    while stack:
        for edge in lineage.successors.get(stack.pop(), ()):
            if edge.successor_id not in reached:
                reached.add(edge.successor_id)
                stack.append(edge.successor_id)
    # Today's units' other predecessors (Thái Bình beside old Hưng Yên): named when missing.
    direct_predecessors = {edge.predecessor_id for unit_id in reached for edge in lineage.predecessors.get(unit_id, [])}
    # Every unit met as plain values (14.000 on a national table); model instances only for the rows shown.
    units = unit_dates(reached | direct_predecessors)

    # Whether each unit met is in force on the day, worked out once (the walk asks 22.000 times on a national table).
    current_ids = {pk for pk, unit in units.items() if unit.is_valid_on(day)}
    is_current = current_ids.__contains__

    count_columns = [column for column in table.columns if column.field in COUNT_FIELDS]
    count_positions = [column.index for column in count_columns]
    # today → the sums of the count columns carried so far, in the order of count_columns: summed as the rows are
    # carried (one list per unit, not a list of parts per cell); a part unknown makes its sum unknown (None).
    carried: dict[int, list] = {}
    sources: dict[int, list[Source]] = defaultdict(list)
    share_unknown: dict[int, bool] = defaultdict(bool)
    whole_rows: dict[int, list] = defaultdict(list)
    unresolved, current = [], []
    for row in rows:
        unit = units[row.locality_id]
        counts = [row.cells[index] for index in count_positions]
        if is_current(row.locality_id):
            current.append(Source(row.locality_id, unit.name, unit.slug, Fraction(1)))
            targets = {row.locality_id: (counts, Fraction(1), False)}
        else:
            targets = _carry(lineage, row.locality_id, is_current, counts)
        if not targets:
            unresolved.append(Source(row.locality_id, unit.name, unit.slug, None))
            continue
        for target_id, (parts, share, unknown) in targets.items():
            sums = carried.get(target_id)
            if sums is None:
                carried[target_id] = list(parts)
            else:
                carried[target_id] = [
                    None if total is None or part is None else total + part
                    for total, part in zip(sums, parts, strict=True)
                ]
            sources[target_id].append(Source(row.locality_id, unit.name, unit.slug, share))
            share_unknown[target_id] |= unknown
            if share == 1 and not unknown:
                whole_rows[target_id].append(row)
    shown = names(carried, light=True)
    layout = _cell_layout(table.columns)
    result = []
    for target_id in sorted(carried, key=lambda pk: (shown[pk].level, shown[pk].name)):
        cells = _cells(table.columns, dict(zip(count_positions, carried[target_id], strict=True)), layout)
        # A predecessor that carries nothing of the table's rows (Thái Bình beside old Hưng Yên's table).
        missing = [
            Source(edge.predecessor_id, units[edge.predecessor_id].name, units[edge.predecessor_id].slug, None)
            for edge in lineage.predecessors.get(target_id, [])
            if edge.predecessor_id not in reached
        ]
        if missing:
            cells = [None] * len(cells)  # never a total that lacks a predecessor
        elif len(whole_rows[target_id]) == 1 and len(sources[target_id]) == 1:
            # One row passed wholly (a rename, an upgrade): where its household total is unknown (Thừa Thiên Huế
            # publishes none) its published rate is the unit's own, carried as published.
            row = whole_rows[target_id][0]
            cells = [
                row.cells[column.index] if column.is_rate and cell is None else cell
                for column, cell in zip(table.columns, cells, strict=True)
            ]
        result.append(
            CarriedRow(shown[target_id], cells, sources[target_id], missing, share_unknown[target_id], table.columns)
        )
    return TodayTable(table, day, result, unresolved, current)


def _carry(lineage: Lineage, unit_id: int, is_current, counts: list, share=Fraction(1), unknown=False, path=()):
    """{today's unit: (the counts' parts, the share of the row that went there, whether a share was unknown)}."""
    if is_current(unit_id):
        return {unit_id: (counts, share, unknown)}
    edges = lineage.successors.get(unit_id, [])
    if not edges or unit_id in path:
        return {}
    found: dict = {}
    for edge in edges:
        if edge.share is WHOLE:  # the common case (merges, renames): the counts pass whole, no Fraction arithmetic
            parts, next_share = counts, share
        else:
            parts = [lineage.part(count, edge) for count in counts]
            next_share = None if share is None or edge.share is None else share * edge.share
        for target, (target_parts, target_share, target_unknown) in _carry(
            lineage, edge.successor_id, is_current, parts, next_share, unknown or edge.share is None, (*path, unit_id)
        ).items():
            if target in found:
                previous = found[target]
                summed = [_sum([a, b]) for a, b in zip(previous[0], target_parts, strict=True)]
                combined_share = None if previous[1] is None or target_share is None else previous[1] + target_share
                found[target] = (summed, combined_share, previous[2] or target_unknown)
            else:
                found[target] = (target_parts, target_share, target_unknown)
    return found


def _cells(columns: list[Column], sums: dict[int, int | None], layout: list | None = None) -> list:
    """The carried counts' sums by column index in their columns, each rate recomputed from its year's and kind's
    counts."""
    layout = layout or _cell_layout(columns)
    cells = []
    for kind, index, poor, households in layout:
        if kind == "rate":
            cells.append(compute_rate(sums.get(poor), sums.get(households)))
        else:
            cells.append(sums.get(index))
    return cells


def _cell_layout(columns: list[Column]) -> list[tuple]:
    """Per column: ("count", its index, …), ("rate", its index, the poor households' index, the households' index)
    or ("other", …) — worked out once per table, not once per unit (3.500 on a national table)."""
    by_field = {(c.year, c.kind, c.field): c.index for c in columns if c.field in COUNT_FIELDS}
    layout = []
    for column in columns:
        if column.is_rate:
            layout.append(
                (
                    "rate",
                    column.index,
                    by_field.get((column.year, column.kind, "poor_households")),
                    by_field.get((column.year, column.kind, "households")),
                )
            )
        else:
            layout.append(("count" if column.field in COUNT_FIELDS else "other", column.index, None, None))
    return layout

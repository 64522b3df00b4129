"""The appendix tables of a plan as rows and columns of published figures — read once, shown many ways.

The page, the CSV download, the spreadsheet export, the import and the data-quality check all read
a household appendix through `household_table`, so they agree on which figure sits in which cell.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from django.db import connections
from django.db.models import ExpressionWrapper, F, Field
from django.utils.translation import gettext as _

from kernel.numbers import as_printed, compute_rate, rate_following_counts
from localities.labels import UnitWords, unit_words
from plans.models import Appendix, AppendixKind, AppendixRow, HouseholdFigure
from plans.models.standards import standard_label

# The appendix column "field" → the HouseholdFigure attribute holding the published figure.
FIGURE_ATTRIBUTES = {
    "households": "households",
    "poor_households": "poor_households",
    "near_poor_households": "near_poor_households",
    "planned_reduction": "planned_reduction",
    "poverty_rate": "published_rate",
}
# What a cell shows: the published rate with the decimals the document printed ("1,2"), the same number as stored.
_CELL_ATTRIBUTES = {**FIGURE_ATTRIBUTES, "poverty_rate": "published_rate_as_printed"}
COUNT_FIELDS = {"households", "poor_households", "near_poor_households", "planned_reduction"}


class FigureValues(NamedTuple):
    """A figure's published values, read as plain values: what the cells and the data-quality check need of a
    HouseholdFigure, at a fraction of the cost of model instances for a national table."""

    households: int | None
    poor_households: int | None
    near_poor_households: int | None
    planned_reduction: int | None
    published_rate: Decimal | None
    standard_id: str | None = None  # the code of the poverty standard it was measured under
    published_rate_places: int | None = None
    id: int | None = None  # the stored figure's, for a reader that validates a change of it (the import's preview)
    version: int | None = None  # the stored figure's, recorded in an exported workbook (spreadsheets.versions)

    @property
    def published_rate_as_printed(self):
        return as_printed(self.published_rate, self.published_rate_places)

    @property
    def computed_rate(self):
        return compute_rate(self.poor_households, self.households)


# The query's names of FigureValues' fields (a foreign key's column by its field name: the standard's code).
_FIGURE_VALUE_FIELDS = tuple("standard" if name == "standard_id" else name for name in FigureValues._fields)
# The same, with the rate as the database stores it, converted by `_stored_rates`.
_RATE = FigureValues._fields.index("published_rate")
_FIGURE_QUERY = tuple(
    ExpressionWrapper(F(name), output_field=Field()) if index == _RATE else name
    for index, name in enumerate(_FIGURE_VALUE_FIELDS)
)


def _stored_rates(connection) -> Callable | None:
    """A stored rate as the model reads it — the database's value through Django's own converters of the field —
    converted once per distinct value; None where the database's value is the rate already (PostgreSQL gives a
    Decimal). On SQLite that conversion (a Decimal made from the stored float, then rounded to the field's places)
    was a third of the time of reading a national table: 3.500 rates, of a few hundred distinct values."""
    field = HouseholdFigure._meta.get_field("published_rate")
    column = field.get_col(HouseholdFigure._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    if not converters:
        return None
    known: dict[tuple, object] = {}

    def convert(value):
        key = (type(value), value)  # 3 and 3.0 read alike, but keep their own conversions all the same
        if key not in known:
            converted = value
            for converter in converters:
                converted = converter(converted, column, connection)
            known[key] = converted
        return known[key]

    return convert


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    group: str
    year: int
    kind: str  # "result" or "target"
    field: str  # a key of FIGURE_ATTRIBUTES
    bold: bool = False

    @property
    def is_rate(self) -> bool:
        return self.field == "poverty_rate"

    @property
    def key(self) -> str:
        """A stable identifier: used in URLs, CSV headers and form field names."""
        return f"{self.field}_{self.year}_{self.kind}"


@dataclass
class Row:
    number: str
    label: str
    locality_id: int
    locality_name: str
    locality_slug: str
    is_total: bool
    cells: list  # one value per column: int, Decimal or None, as stored (a rate with the decimals it was printed with)
    figures: dict = field(default_factory=dict)  # (year, kind) → HouseholdFigure, or FigureValues
    locality_kind: str = ""


@dataclass
class HouseholdTable:
    appendix: Appendix
    columns: list[Column]
    rows: list[Row]  # the locality rows in published order, without the total
    total: Row | None  # the published total row, if the appendix prints one
    computed_total: list  # per column: the sum of the rows (rates recomputed from summed counts)
    published_order: list[Row] = field(default_factory=list)  # every row, the total where the document prints it

    @cached_property
    def words(self) -> UnitWords:
        """What the rows are called (“phường”, “đơn vị cấp huyện”) and the whole they add up to (“Toàn thành
        phố”), from the units themselves: the total row's unit, else the plan's province."""
        whole_kind = self.total.locality_kind if self.total is not None else self.appendix.plan.province.kind
        return unit_words((row.locality_kind for row in self.rows), whole_kind)

    @cached_property
    def standards(self) -> list[str]:
        """The codes of the poverty standards the table's figures were measured under, in the order of the columns'
        years: more than one means that its years are not all comparable."""
        by_year: dict[str, int] = {}
        for row in [*self.rows, *([self.total] if self.total else [])]:
            for (year, _kind), figure in row.figures.items():
                code = figure.standard_id
                if code and (code not in by_year or year < by_year[code]):
                    by_year[code] = year
        return sorted(by_year, key=by_year.get)

    @property
    def standard_line(self) -> str:
        """“Chuẩn nghèo: 2021–2026 (Nghị định 07/2021/NĐ-CP)” — the page's and the workbook's header line; two
        standards are named with a warning that their figures are not comparable."""
        if not self.standards:
            return ""
        labels = "; ".join(standard_label(code) for code in self.standards)
        if len(self.standards) == 1:
            return _("Poverty standard: %(standards)s") % {"standards": labels}
        return _("Poverty standards: %(standards)s — figures of different standards are not comparable") % {
            "standards": labels
        }

    @property
    def groups(self) -> list[tuple[str, int]]:
        """Consecutive column groups as (header, span): the merged header row above the columns."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.columns)

    @property
    def total_differs(self) -> list[bool]:
        """Per column: whether the computed total disagrees with the published one."""
        if self.total is None:
            return [False] * len(self.columns)
        return [
            computed is not None and published is not None and computed != published
            for computed, published in zip(self.computed_total, self.total.cells, strict=True)
        ]


def household_columns(appendix: Appendix) -> list[Column]:
    return [
        Column(
            index=index,
            header=spec["header"],
            group=spec.get("group", ""),
            year=spec["year"],
            kind=spec["kind"],
            field=spec["field"],
            bold=bool(spec.get("bold")),
        )
        for index, spec in enumerate(appendix.columns)
    ]


def _cells_reader(columns: list[Column]) -> Callable[[dict], list]:
    """A function reading a row's cells, one per column, off its figures ((year, kind) → a HouseholdFigure or
    FigureValues: attrgetter reads both alike); None where the row has no such figure.

    The consecutive columns of one figure (a year's households, poor households and rate) are read in one get and one
    attrgetter call: a national table has 12.000 cells."""
    runs: list[tuple[tuple[int, str], list[str]]] = []
    for column in columns:
        key, attribute = (column.year, column.kind), _CELL_ATTRIBUTES[column.field]
        if runs and runs[-1][0] == key:
            runs[-1][1].append(attribute)
        else:
            runs.append((key, [attribute]))
    # attrgetter of several attributes gives a tuple of them, of one the value itself.
    steps = [(key, attrgetter(*attributes), len(attributes), (None,) * len(attributes)) for key, attributes in runs]

    def read(figures: dict) -> list:
        cells = []
        for key, get, width, blank in steps:
            figure = figures.get(key)
            if figure is None:
                cells += blank
            elif width == 1:
                cells.append(get(figure))
            else:
                cells += get(figure)
        return cells

    return read


def household_table(appendix: Appendix, *, with_figures: bool = True) -> HouseholdTable:
    """The appendix as published, plus its computed total. Two queries, whatever its size.

    Each row's `figures` holds HouseholdFigure objects, for the readers that change or link them (the import, the
    editing grid, the results); `with_figures=False` reads the figures as plain values instead (`FigureValues`) —
    a fifth of the time for a national table — which is all the pages, the export and the data-quality check need.
    """
    if appendix.kind != AppendixKind.HOUSEHOLD_FIGURES:
        raise ValueError(f"Appendix {appendix.code} is not a household table")
    columns = household_columns(appendix)
    appendix_rows = list(
        appendix.rows.order_by("order").values_list(
            "number",
            "label",
            "locality_id",
            "locality__name",
            "locality__slug",
            "locality__kind",
            "is_total",
        )
    )
    # The rows' figures by a join on the appendix, not by a list of ids: a commune table would pass SQLite's
    # limit of parameters per statement, and the statement stays the same whatever the table's size.
    # Unordered: they go into dictionaries, and the model's default order (by province, plan, locality name) would
    # join three tables and sort — half the time of a national table on PostgreSQL.
    figures = HouseholdFigure.objects.filter(
        plan_id=appendix.plan_id,
        locality_id__in=AppendixRow.objects.filter(appendix_id=appendix.pk).values("locality_id"),
    ).order_by()
    figures_by_locality: dict[int, dict[tuple[int, str], object]] = defaultdict(dict)
    if with_figures:
        for figure in figures:
            figures_by_locality[figure.locality_id][(figure.year, figure.kind)] = figure
    else:
        convert = _stored_rates(connections[figures.db])
        # tuple.__new__ is FigureValues._make without its check of the number of values, which the query's fields
        # (FigureValues' own) settle: an eighth of the time of the 3.500 figures of a national table.
        make = tuple.__new__
        for locality_id, year, kind, *values in figures.values_list("locality_id", "year", "kind", *_FIGURE_QUERY):
            if convert is not None:
                values[_RATE] = convert(values[_RATE])
            figures_by_locality[locality_id][year, kind] = make(FigureValues, values)
    read_cells = _cells_reader(columns)
    published_order = []
    for number, label, locality_id, locality_name, locality_slug, locality_kind, is_total in appendix_rows:
        row_figures = figures_by_locality[locality_id]
        cells = read_cells(row_figures)
        row = Row(
            number=number,
            label=label,
            locality_id=locality_id,
            locality_name=locality_name,
            locality_slug=locality_slug,
            is_total=is_total,
            cells=cells,
            figures=row_figures,
            locality_kind=locality_kind,
        )
        published_order.append(row)
    rows, total = _split(published_order)
    return HouseholdTable(
        appendix=appendix,
        columns=columns,
        rows=rows,
        total=total,
        computed_total=_computed_total(columns, rows),
        published_order=published_order,
    )


def _split(published_order: list[Row]) -> tuple[list[Row], Row | None]:
    """The locality rows in published order, and the total row (the last one marked, if any)."""
    rows = [row for row in published_order if not row.is_total]
    totals = [row for row in published_order if row.is_total]
    return rows, totals[-1] if totals else None


def selection_total(columns: list[Column], rows: list[Row]) -> list:
    """The computed total of some of a table's rows (a filtered page), one value per column of `columns` (all the
    table's columns): counts summed, rates recomputed from the summed counts."""
    return _computed_total(columns, rows)


def _computed_total(columns: list[Column], rows: list[Row]) -> list:
    def column_sum(index: int):
        values = [row.cells[index] for row in rows]
        return None if not values or any(v is None for v in values) else sum(values)

    sums = [column_sum(column.index) if column.field in COUNT_FIELDS else None for column in columns]
    by_field = {(c.year, c.kind, c.field): sums[c.index] for c in columns}
    totals = []
    for column in columns:
        if column.is_rate:
            poor = by_field.get((column.year, column.kind, "poor_households"))
            households = by_field.get((column.year, column.kind, "households"))
            # Without household totals (Thừa Thiên Huế's table) a province rate cannot be derived.
            totals.append(compute_rate(poor, households))
        else:
            totals.append(sums[column.index])
    return totals


def table_with_edits(table: HouseholdTable, edits: dict[tuple[int, int, str], dict]) -> HouseholdTable:
    """The table as it would be once `edits` are saved: (locality, year, kind) → {figure attribute: new value}.

    Nothing is read or written: the figures become plain values (`FigureValues`), the cells and the computed total
    follow them. A figure whose counts change without a new rate takes the rate of its counts, as the write service
    gives it (workflow.services._derive_rate). What a save would bring about is then the difference between the
    two tables (analysis.consequences)."""
    by_locality: dict[int, dict] = defaultdict(dict)
    for (locality_id, year, kind), values in edits.items():
        by_locality[locality_id][year, kind] = values
    read_cells = _cells_reader(table.columns)
    published_order = []
    for row in table.published_order:
        figures = dict(row.figures)
        for key, values in by_locality.get(row.locality_id, {}).items():
            figures[key] = _edited_figure(figures.get(key), values)
        published_order.append(Row(**{**row.__dict__, "cells": read_cells(figures), "figures": figures}))
    rows, total = _split(published_order)
    return HouseholdTable(
        appendix=table.appendix,
        columns=table.columns,
        rows=rows,
        total=total,
        computed_total=_computed_total(table.columns, rows),
        published_order=published_order,
    )


def _edited_figure(figure, values: dict) -> FigureValues:
    if type(figure) is FigureValues:
        before = figure  # read as values already (an import's preview: 10.000 of them)
    elif figure:
        before = FigureValues._make(getattr(figure, name) for name in FigureValues._fields)
    else:
        before = FigureValues(*[None] * 5)
    given = {name: value for name, value in values.items() if name in FigureValues._fields}
    after = before._replace(**given)
    rate_given = "published_rate" in given and given["published_rate"] != before.published_rate
    counts_changed = any(getattr(after, name) != getattr(before, name) for name in ("households", "poor_households"))
    if counts_changed and not rate_given:
        following = rate_following_counts(after.poor_households, after.households)
        if following is not None:
            after = after._replace(published_rate=following)
    if after.published_rate != before.published_rate and "published_rate_places" not in given:
        after = after._replace(published_rate_places=None)  # a new rate: shown with the two decimals it has
    return after

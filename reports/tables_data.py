"""The appendix tables of a plan as rows and columns of published figures — read once, shown many ways.

The page, the CSV download, the spreadsheet export, the import and the data-quality check all read
a household appendix through `household_table`, so they agree on which figure sits in which cell.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from plans.models import Appendix, AppendixKind, AppendixRow, HouseholdFigure
from povertyplan.numbers import compute_rate

# The appendix column "field" → the HouseholdFigure attribute holding the published figure.
FIGURE_ATTRIBUTES = {
    "households": "households",
    "poor_households": "poor_households",
    "near_poor_households": "near_poor_households",
    "planned_reduction": "planned_reduction",
    "poverty_rate": "published_rate",
}
COUNT_FIELDS = {"households", "poor_households", "near_poor_households", "planned_reduction"}


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
    cells: list  # one value per column: int, Decimal or None, exactly as stored
    figures: dict = field(default_factory=dict)  # (year, kind) → HouseholdFigure


@dataclass
class HouseholdTable:
    appendix: Appendix
    columns: list[Column]
    rows: list[Row]  # the locality rows in published order, without the total
    total: Row | None  # the published total row, if the appendix prints one
    computed_total: list  # per column: the sum of the rows (rates recomputed from summed counts)
    published_order: list[Row] = field(default_factory=list)  # every row, the total where the document prints it

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


def household_table(appendix: Appendix, *, with_figures: bool = True) -> HouseholdTable:
    """The appendix as published, plus its computed total. Two queries, whatever its size.

    `with_figures=False` is for readers that show the cells only (the pages, the export's rows): the figures are
    then read as plain values, not as HouseholdFigure objects — a fifth of the time for a national table —
    and each row's `figures` stays empty.
    """
    if appendix.kind != AppendixKind.HOUSEHOLD_FIGURES:
        raise ValueError(f"Appendix {appendix.code} is not a household table")
    columns = household_columns(appendix)
    appendix_rows = list(
        appendix.rows.order_by("order").values_list(
            "number", "label", "locality_id", "locality__name", "locality__slug", "is_total", named=True
        )
    )
    # The rows' figures by a join on the appendix, not by a list of ids: a commune table would pass SQLite's
    # limit of parameters per statement, and the statement stays the same whatever the table's size.
    figures = HouseholdFigure.objects.filter(
        plan_id=appendix.plan_id,
        locality_id__in=AppendixRow.objects.filter(appendix_id=appendix.pk).values("locality_id"),
    )
    figures_by_locality: dict[int, dict[tuple[int, str], HouseholdFigure]] = defaultdict(dict)
    values_by_locality: dict[int, dict[tuple[int, str], tuple]] = defaultdict(dict)
    if with_figures:
        for figure in figures:
            figures_by_locality[figure.locality_id][(figure.year, figure.kind)] = figure
    else:
        attributes = list(dict.fromkeys(FIGURE_ATTRIBUTES[column.field] for column in columns))
        position = {attribute: index for index, attribute in enumerate(attributes)}
        for locality_id, year, kind, *values in figures.values_list("locality_id", "year", "kind", *attributes):
            values_by_locality[locality_id][(year, kind)] = values
    rows, total, published_order = [], None, []
    for appendix_row in appendix_rows:
        cells = []
        if with_figures:
            row_figures = figures_by_locality[appendix_row.locality_id]
            for column in columns:
                figure = row_figures.get((column.year, column.kind))
                cells.append(getattr(figure, FIGURE_ATTRIBUTES[column.field]) if figure else None)
        else:
            row_figures = {}
            row_values = values_by_locality.get(appendix_row.locality_id, {})
            for column in columns:
                values = row_values.get((column.year, column.kind))
                cells.append(values[position[FIGURE_ATTRIBUTES[column.field]]] if values else None)
        row = Row(
            number=appendix_row.number,
            label=appendix_row.label,
            locality_id=appendix_row.locality_id,
            locality_name=appendix_row.locality__name,
            locality_slug=appendix_row.locality__slug,
            is_total=appendix_row.is_total,
            cells=cells,
            figures=row_figures,
        )
        published_order.append(row)
        if row.is_total:
            total = row
        else:
            rows.append(row)
    return HouseholdTable(
        appendix=appendix,
        columns=columns,
        rows=rows,
        total=total,
        computed_total=_computed_total(columns, rows),
        published_order=published_order,
    )


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

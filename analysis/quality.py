"""Data-quality check of a plan: every derivable figure recomputed and compared with the published one.

Interface used by the quality page, the plan page (a count), the spreadsheet export (a findings
sheet) and `manage.py check_plan_data`. The published figures are never changed.

The rules, in the spirit of DHIS2 validation rules:

- household appendices (read through `household_table`, like every other reader):
  a rate against its counts, the remaining poor households against the previous year's count
  minus the planned reduction, and the published total row against the sum of its rows;
- household figures that no appendix shows: their rate against their counts;
- indicator targets against the indicator's desired direction (a rate that should fall must not rise).

A few queries per plan (and two per household appendix), never one per row, year or indicator; none but one when
the caller has read the plan's tables already.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby, pairwise

from django.db.models import FloatField
from django.db.models.functions import Abs, Cast
from django.utils.translation import gettext as _

from indicators.models import Direction, PlanIndicator, Qualifier, ValueKind
from kernel.numbers import (
    RATE_PLACES,
    RATE_TOLERANCE,
    Formatter,
    as_printed,
    compute_rate,
    format_count,
    format_decimal,
    format_printed,
    rates_disagree,
)
from plan_tables.household import COUNT_FIELDS, Column, HouseholdTable, Row
from plan_tables.selectors import PlanTables, plan_tables
from plans.models import Appendix, FigureKind, HouseholdFigure, Plan

RATE_FROM_COUNTS = "rate_from_counts"
REMAINING_POOR = "remaining_is_previous_minus_reduction"
TOTAL_IS_SUM = "total_is_sum"
TOTAL_RATE_FROM_SUMS = "total_rate_from_summed_counts"
TARGET_DIRECTION = "target_follows_direction"

# How the figures of a finding are shown: counts without decimals; the others as printed — a published rate or
# indicator value with the decimals the document printed it with (Hưng Yên's "1,2", not 1,20; "9,7"), a rate
# recomputed from the counts with the two decimals of a computation (its column says "computed").
COUNT_PLACES, AS_PRINTED = 0, None


@dataclass(frozen=True)
class Finding:
    rule: str  # a stable code, e.g. "rate_from_counts", "total_is_sum", "remaining_is_previous_minus_reduction"
    table: str  # the table as a person names it, e.g. "Phụ lục 01"
    appendix_code: str  # "" for findings outside an appendix (indicator targets stated in the text)
    row: str  # the row label as published, e.g. "Tổng cộng", "Phù Cừ"
    column: str  # the column as published, with its group, e.g. "Năm 2024 — Tổng số hộ nghèo"
    published: Decimal | int | None
    computed: Decimal | int | None  # for a direction finding: the previous year's value it is compared with
    difference: Decimal | int | None  # published − computed
    message: str  # a translated sentence a reviewer understands
    places: int | None = COUNT_PLACES  # decimals to show the figures with; None: the decimals each carries
    # Where the finding sits, for the readers that trace it to the figures (or values) it concerns: the row's
    # locality (None for an indicator) or the plan indicator, and the year and kind of its column.
    locality_id: int | None = None
    year: int | None = None
    kind: str = ""
    plan_indicator_id: int | None = None

    @property
    def published_text(self) -> str:
        return _format(self.published, self.places)

    @property
    def computed_text(self) -> str:
        return _format(self.computed, self.places)

    @property
    def difference_text(self) -> str:
        return _signed(self.difference, self.places)


def check_plan(plan: Plan, tables: PlanTables | None = None) -> list[Finding]:
    """All findings of the plan, in table, row and column order.

    A reader that shows the plan's tables anyway (the plan page) passes what it has read, `tables`: the check then
    adds a single query, for the figures no appendix shows.
    """
    tables = tables if tables is not None else plan_tables(plan)
    findings = check_appendices(tables)
    shown = {  # (locality, year, kind) of the figures some appendix shows
        (row.locality_id, column.year, column.kind)
        for table in tables.household.values()
        for row in table.published_order
        for column in table.columns
    }
    findings += _unshown_figure_findings(plan, shown)
    findings += direction_findings([pi for pi in tables.indicators if pi.appendix_id is None], _("Indicators"), "")
    return findings


def check_appendices(tables: PlanTables) -> list[Finding]:
    """The findings within the appendices of `tables` (what the export's findings sheets show): no query."""
    findings: list[Finding] = []
    for appendix in tables.appendices:
        if appendix.pk in tables.household:
            findings += household_table_findings(appendix, tables.household[appendix.pk])
        findings += direction_findings(
            [pi for pi in tables.indicators if pi.appendix_id == appendix.pk], appendix.heading, appendix.code
        )
    return findings


def group_findings(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """(table, its findings) in table order, for a page or a sheet that shows one table at a time."""
    return [
        (table, list(group))
        for (table, _code), group in groupby(findings, key=lambda finding: (finding.table, finding.appendix_code))
    ]


# Household appendices ---------------------------------------------------------------------------


def household_table_findings(
    appendix: Appendix, table: HouseholdTable, cells: dict[int, set[int]] | None = None
) -> list[Finding]:
    """The findings of one household table; with `cells` (locality → years), of those rows' columns of those years
    and of the total row only (what an edit of those figures can change: analysis.consequences)."""
    # Only the cells a rule applies to are visited (a national table has 20.000): the rates; the poor households
    # left, on the poor-household column of a year, or on its reduction column where the table does not print
    # the remaining count; and every column of the total row.
    printed_poor = {(c.year, c.kind) for c in table.columns if c.field == "poor_households"}
    remaining = {
        c.index
        for c in table.columns
        if c.field == "poor_households" or (c.field == "planned_reduction" and (c.year, c.kind) not in printed_poor)
    }
    checked = [c for c in table.columns if c.is_rate or c.index in remaining]
    numbers = Formatter()  # the language looked up once: an import's preview checks 10.000 rows twice
    findings = []
    of_years: dict[frozenset, list[Column]] = {}  # the checked columns of some years, for the rows of `cells`
    for row in table.published_order:  # the total where the document prints it (first in Huế's, last in Hưng Yên's)
        if row.is_total:
            columns = table.columns
        elif cells is None:
            columns = checked
        elif row.locality_id in cells:
            years = frozenset(cells[row.locality_id])
            if years not in of_years:
                of_years[years] = [column for column in checked if column.year in years]
            columns = of_years[years]
        else:
            continue
        for column in columns:
            cell = _Cell(appendix, table, row, column, numbers)
            if column.is_rate:
                findings += cell.rate_from_counts()
            if column.index in remaining:
                findings += cell.remaining_poor()
            if row.is_total:
                findings += cell.total_is_sum()
    return findings


@dataclass(slots=True)
class _Cell:
    appendix: Appendix
    table: HouseholdTable
    row: Row
    column: Column
    numbers: Formatter

    @property
    def published(self):
        return self.row.cells[self.column.index]

    def finding(self, rule, published, computed, message, places, **details) -> Finding:
        """A finding on this cell; `message` is filled with the figures and any further `details`."""
        difference = published - computed
        return Finding(
            rule=rule,
            table=self.appendix.heading,
            appendix_code=self.appendix.code,
            row=self.row.label,
            column=column_label(self.column),
            published=published,
            computed=computed,
            difference=difference,
            message=message
            % {
                "published": _format(published, places, self.numbers),
                "computed": _format(computed, places, self.numbers),
                "difference": _signed(difference, places, self.numbers),
                **details,
            },
            places=places,
            locality_id=self.row.locality_id,
            year=self.column.year,
            kind=self.column.kind,
        )

    def rate_from_counts(self) -> list[Finding]:
        figure = self.row.figures.get((self.column.year, self.column.kind))
        published = figure.published_rate_as_printed if figure else None
        computed = figure.computed_rate if figure else None  # None where the households are unknown
        if not _rates_differ(published, computed):
            return []
        message = _(
            "The rate does not follow from the counts (%(poor)s poor households of %(households)s): "
            "published %(published)s, computed %(computed)s (difference %(difference)s)."
        )
        return [
            self.finding(
                RATE_FROM_COUNTS,
                published,
                computed,
                message,
                AS_PRINTED,
                poor=self.numbers.count(figure.poor_households),
                households=self.numbers.count(figure.households),
            )
        ]

    def remaining_poor(self) -> list[Finding]:
        """Poor households of year Y = poor households of Y−1 − the reduction planned for Y.

        Checked on the poor-household column of Y, or on the reduction column where the table does
        not print the remaining count (`household_table_findings` chooses). The previous count may come
        from a figure the table does not show (the plan's own figures for that locality).
        """
        year, kind = self.column.year, self.column.kind
        figure = self.row.figures.get((year, kind))
        if figure is None or figure.planned_reduction is None or figure.poor_households is None:
            return []
        previous = _previous_poor(self.row, year)
        if previous is None:
            return []
        computed = previous - figure.planned_reduction
        if computed == figure.poor_households:
            return []
        message = _(
            "The poor households left are not the previous year's poor households minus the planned reduction "
            "(%(previous)s − %(reduction)s): published %(published)s, computed %(computed)s "
            "(difference %(difference)s)."
        )
        return [
            self.finding(
                REMAINING_POOR,
                figure.poor_households,
                computed,
                message,
                COUNT_PLACES,
                previous=self.numbers.count(previous),
                reduction=self.numbers.count(figure.planned_reduction),
            )
        ]

    def total_is_sum(self) -> list[Finding]:
        published, computed = self.published, self.table.computed_total[self.column.index]
        if published is None or computed is None:
            return []
        if self.column.field in COUNT_FIELDS:
            if published == computed:
                return []
            message = _(
                "The total is not the sum of the rows: published %(published)s, sum %(computed)s "
                "(difference %(difference)s)."
            )
            return [self.finding(TOTAL_IS_SUM, published, computed, message, COUNT_PLACES)]
        if self.column.is_rate and _rates_differ(published, computed):
            message = _(
                "The total rate does not follow from the summed counts of the rows: published %(published)s, "
                "computed %(computed)s (difference %(difference)s)."
            )
            return [self.finding(TOTAL_RATE_FROM_SUMS, published, computed, message, AS_PRINTED)]
        return []


def _previous_poor(row: Row, year: int) -> int | None:
    # The review result of the year before if there is one, else that year's target.
    for kind in (FigureKind.RESULT, FigureKind.TARGET):
        figure = row.figures.get((year - 1, kind))
        if figure is not None and figure.poor_households is not None:
            return figure.poor_households
    return None


def column_label(column: Column) -> str:
    """The column as published, with its merged group header: “Năm 2024 — Tổng số hộ nghèo”."""
    return f"{column.group} — {column.header}" if column.group else column.header


# Household figures no appendix shows ------------------------------------------------------------


def _unshown_figure_findings(plan: Plan, shown: set[tuple[int, int, str]]) -> list[Finding]:
    # Plain values, not HouseholdFigure objects: a province's plan carries its communes' figures too (a thousand
    # rows, a hundred thousand for the country) and nearly all of them agree with their counts. The database passes
    # on only those whose rate lies more than half the tolerance from its counts' (in floating point, where the
    # rule's rounding does not matter): a rate the rule finds wrong is at least a whole tolerance away, since each
    # of the two roundings to hundredths moves a rate by half a hundredth at most. The rule decides on those few.
    gap = Abs(
        Cast("published_rate", FloatField())
        - Cast("poor_households", FloatField()) * 100 / Cast("households", FloatField())
    )
    figures = (
        HouseholdFigure.objects.filter(
            plan=plan, households__gt=0, poor_households__isnull=False, published_rate__isnull=False
        )
        .alias(gap=gap)
        .filter(gap__gt=float(RATE_TOLERANCE) / 2)
        .order_by("locality__level", "locality__name", "locality_id", "year", "kind")
        .values_list(
            "locality_id",
            "locality__name",
            "year",
            "kind",
            "households",
            "poor_households",
            "published_rate",
            "published_rate_places",
        )
    )
    kinds = dict(FigureKind.choices)
    findings = []
    for locality_id, locality_name, year, kind, households, poor, published, places in figures:
        if (locality_id, year, kind) in shown:
            continue
        computed = compute_rate(poor, households)
        if not _rates_differ(published, computed):
            continue
        published = as_printed(published, places)
        difference = published - computed
        findings.append(
            Finding(
                rule=RATE_FROM_COUNTS,
                table=_("Household figures outside the appendices"),
                appendix_code="",
                row=locality_name,
                column=_("Poverty rate %(year)s (%(kind)s)") % {"year": year, "kind": kinds[kind]},
                published=published,
                computed=computed,
                difference=difference,
                message=_(
                    "The rate does not follow from the counts (%(poor)s poor households of %(households)s): "
                    "published %(published)s, computed %(computed)s (difference %(difference)s)."
                )
                % {
                    "poor": format_count(poor),
                    "households": format_count(households),
                    "published": _format(published, AS_PRINTED),
                    "computed": _format(computed, AS_PRINTED),
                    "difference": _signed(difference, AS_PRINTED),
                },
                places=AS_PRINTED,
                locality_id=locality_id,
                year=year,
                kind=kind,
            )
        )
    return findings


# Indicator targets ------------------------------------------------------------------------------

_WALKED_KINDS = {ValueKind.BASELINE: 0, ValueKind.TARGET: 1}


def direction_findings(
    plan_indicators: list[PlanIndicator], table: str = "", appendix_code: str = "", values: dict | None = None
) -> list[Finding]:
    """A target that moves against the indicator's direction relative to the value before it.

    The values are walked in year order, the baseline before the targets; results are what
    happened, not what the plan sets, and “reduce by at least” values are changes, not levels.
    `values`: per plan indicator id, its values as they would be after a save (plan_tables.selectors
    .values_with_edits, for analysis.consequences); by default, as stored.
    """
    findings = []
    for plan_indicator in plan_indicators:
        stated = values[plan_indicator.pk] if values is not None else plan_indicator.values.all()
        values_walked = sorted(
            (
                value
                for value in stated
                if value.kind in _WALKED_KINDS and value.qualifier != Qualifier.REDUCE_BY_AT_LEAST
            ),
            key=lambda value: (value.year, _WALKED_KINDS[value.kind]),
        )
        should_fall = plan_indicator.indicator.direction == Direction.DECREASE
        for previous, value in pairwise(values_walked):
            if value.kind != ValueKind.TARGET:
                continue
            # As printed: "9,6 after 9,8", the change with the decimals of the two (computed from the same numbers).
            change = value.value_as_printed - previous.value_as_printed
            if (should_fall and change <= 0) or (not should_fall and change >= 0):
                continue
            if should_fall:
                message = _(
                    "The target rises although the indicator should fall: %(value)s in %(year)s "
                    "after %(previous)s in %(previous_year)s (change %(difference)s)."
                )
            else:
                message = _(
                    "The target falls although the indicator should rise: %(value)s in %(year)s "
                    "after %(previous)s in %(previous_year)s (change %(difference)s)."
                )
            findings.append(
                Finding(
                    rule=TARGET_DIRECTION,
                    table=table,
                    appendix_code=appendix_code,
                    row=plan_indicator.text,
                    column=str(value.year),
                    published=value.value_as_printed,
                    computed=previous.value_as_printed,
                    difference=change,
                    message=message
                    % {
                        "value": _format(value.value_as_printed, AS_PRINTED),
                        "year": value.year,
                        "previous": _format(previous.value_as_printed, AS_PRINTED),
                        "previous_year": previous.year,
                        "difference": _signed(change, AS_PRINTED),
                    },
                    places=AS_PRINTED,
                    year=value.year,
                    kind=value.kind,
                    plan_indicator_id=plan_indicator.pk,
                )
            )
    return findings


# Numbers ----------------------------------------------------------------------------------------


def _rate(value: Decimal) -> Decimal:
    """A published rate at two decimals: “1,2” is 1,20."""
    return Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _rates_differ(published, computed) -> bool:
    # The save path's own rule and tolerance: a rate it lets through is not listed here.
    return rates_disagree(published, computed)


def _format(value, places: int | None, numbers: Formatter | None = None) -> str:
    if value is None:
        return ""
    if places is None:
        return format_printed(value)
    if places == 0:
        return numbers.count(value) if numbers else format_count(value)
    return numbers.decimal(value, places) if numbers else format_decimal(value, places)


def _signed(value, places: int | None, numbers: Formatter | None = None) -> str:
    """A difference with its sign: “+9”, “-9”, “+0,1”."""
    text = _format(value, places, numbers)
    return f"+{text}" if value is not None and value > 0 else text

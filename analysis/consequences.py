"""What a save would do beyond the cells it changes: the warnings every channel shows before it saves.

The editing grids (editing.views) and the import's preview (spreadsheets.sheets) ask the same functions about the same
thing — a household table, or a plan's indicators, and the edits pending on them — and the person confirms what they
answer before anything is written. For a household table:

- a rate that moves because its counts changed (0,55 → 0,54), as the write service will store it;
- every data-quality finding (analysis.quality) that the save would bring about or change: a total row that no
  longer equals the sum of its rows (“Tổng cộng lệch +5”), a total rate that no longer follows the summed counts,
  poor households left that no longer follow from the year before and the planned reduction, a rate against its
  counts (beyond the tolerance the service refuses it; within, it is no finding);
- an implausible jump: a rate falling by more than half in a year.

For indicator values (`indicator_consequences`): every finding of the quality check the save would bring about or
change — a target that moves against its indicator's direction (a rate of underweight children that should fall but
rises from one year to the next), also on the year after the one edited.

Published documents do not always add up, so these are warnings, never refusals. Because the findings are the
quality check's own, run on the table as it is and as it would be, the quality page lists nothing a save could have
warned about first: only the figures as published, and figures saved with a warning someone confirmed.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import PlanIndicator
from kernel.numbers import Formatter
from plan_tables.household import HouseholdTable, Row, table_with_edits
from plan_tables.selectors import values_with_edits
from plans.models import FigureKind

from .quality import TOTAL_IS_SUM, Finding, column_label, direction_findings, household_table_findings

RATE_MOVES = "rate_moves"
RATE_HALVES = "rate_halves"

# (locality, year, kind) → {figure attribute: new value}: the edits of a grid's rows or of an import's changes; for
# indicator values, (plan indicator, year, kind) → {"value": …, "qualifier": …}.
Edits = dict[tuple[int, int, str], dict]


@dataclass(frozen=True)
class SaveWarning:
    """One consequence of a pending save, naming the row and the column it concerns."""

    kind: str  # RATE_MOVES, RATE_HALVES, or the code of the quality rule (analysis.quality)
    locality_id: int | None  # the row's locality; None for an indicator value
    year: int
    row: str  # the row as the table names it: “Phù Cừ”, “Tổng cộng”; an indicator as the plan writes it
    column: str  # the column as published, with its group: “Năm 2024 — Tổng số hộ nghèo”; a value's: “Chỉ tiêu 2024”
    message: str
    plan_indicator_id: int | None = None  # the indicator of a value's warning

    def __str__(self) -> str:
        return _("%(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}


def household_consequences(table: HouseholdTable, edits: Edits) -> list[SaveWarning]:
    """The warnings of saving `edits` to `table`, in the table's row order. Nothing is read or written."""
    edits = {key: values for key, values in edits.items() if values}
    if not edits:
        return []
    after = table_with_edits(table, edits)
    # The cells an edit of a figure can change: its year's (its rate against its counts, its poor households left)
    # and the next year's (whose poor households left follow from it), and the total row. The findings of the other
    # cells are the same before and after: they are not looked for (a national import edits 10.000 rows).
    touched: dict[int, set[int]] = defaultdict(set)
    for locality_id, year, _kind in edits:
        touched[locality_id] |= {year, year + 1}
    rows_before = {row.locality_id: row for row in table.published_order}
    rows_after = {row.locality_id: row for row in after.published_order}
    numbers, rate_columns = Formatter(), {}  # the language looked up once, each rate column named once
    warnings = []
    for locality_id, year, kind in edits:
        if locality_id in rows_after:
            if (year, kind) not in rate_columns:
                rate_columns[year, kind] = _rate_column(table, year, kind)
            warnings += _rate_warnings(
                rows_before[locality_id], rows_after[locality_id], year, kind, rate_columns[year, kind], numbers
            )
    appendix = table.appendix
    warnings += _new_findings(
        household_table_findings(appendix, table, touched), household_table_findings(appendix, after, touched)
    )
    order = {row.locality_id: index for index, row in enumerate(table.published_order)}
    return sorted(warnings, key=lambda warning: (order.get(warning.locality_id, 0), warning.year))


def indicator_consequences(plan_indicators: list[PlanIndicator], edits: Edits) -> list[SaveWarning]:
    """The warnings of saving the value `edits` of `plan_indicators` (with their values prefetched), in the
    indicators' order. Nothing is read or written."""
    edits = {key: values for key, values in edits.items() if values}
    touched = [pi for pi in plan_indicators if any(owner == pi.pk for owner, _year, _kind in edits)]
    if not touched:
        return []
    after = values_with_edits(touched, edits)
    warnings = _new_findings(direction_findings(touched), direction_findings(touched, values=after))
    order = {pi.pk: index for index, pi in enumerate(plan_indicators)}
    return sorted(warnings, key=lambda warning: (order[warning.plan_indicator_id], warning.year))


def _rate_column(table: HouseholdTable, year: int, kind: str) -> str:
    column = next((c for c in table.columns if c.is_rate and c.year == year and c.kind == kind), None)
    if column is None:
        column = next((c for c in table.columns if c.is_rate and c.year == year), None)
    return column_label(column) if column else _("Poverty rate %(year)s") % {"year": year}


def _rate_warnings(before: Row, after: Row, year: int, kind: str, column: str, numbers: Formatter) -> list[SaveWarning]:
    old, new = before.figures.get((year, kind)), after.figures.get((year, kind))
    if new is None or new.published_rate is None:
        return []
    old_rate = old.published_rate if old is not None else None
    if old_rate is not None and Decimal(old_rate) == Decimal(new.published_rate):
        return []
    warnings = []
    where = {
        "locality_id": after.locality_id,
        "year": year,
        "row": after.label,
        "column": column,
    }
    counts_changed = old is not None and (
        old.households != new.households or old.poor_households != new.poor_households
    )
    if old_rate is not None and counts_changed and new.published_rate == new.computed_rate:
        message = _(
            "the rate moves from %(before)s%% to %(after)s%%, recomputed from the counts (%(poor)s poor households "
            "of %(households)s)."
        ) % {
            "before": numbers.decimal(old_rate, 2),
            "after": numbers.decimal(new.published_rate, 2),
            "poor": numbers.count(new.poor_households),
            "households": numbers.count(new.households),
        }
        warnings.append(SaveWarning(RATE_MOVES, message=message, **where))
    previous = _previous_rate(after, year)
    if previous and new.published_rate < previous / 2:
        message = _(
            "the rate falls from %(before)s%% in %(year_before)s to %(after)s%% in %(year)s, by more than half in a "
            "year. Check the figures before saving."
        ) % {
            "before": numbers.decimal(previous, 2),
            "year_before": year - 1,
            "after": numbers.decimal(new.published_rate, 2),
            "year": year,
        }
        warnings.append(SaveWarning(RATE_HALVES, message=message, **where))
    return warnings


def _previous_rate(row: Row, year: int) -> Decimal | None:
    """The rate of the year before: its result where there is one, else its target."""
    for kind in (FigureKind.RESULT, FigureKind.TARGET):
        figure = row.figures.get((year - 1, kind))
        if figure is not None and figure.published_rate:
            return Decimal(figure.published_rate)
    return None


def _identity(finding: Finding) -> tuple:
    return (finding.rule, finding.locality_id, finding.plan_indicator_id, finding.year, finding.kind, finding.column)


def _new_findings(before: list[Finding], after: list[Finding]) -> list[SaveWarning]:
    """The quality check's findings on the table as it would be (`after`) that it does not make, or makes with other
    figures, on the table as it is (`before`)."""
    known = {_identity(f): f for f in before}
    warnings = []
    for finding in after:
        previous = known.get(_identity(finding))
        if previous is not None and (previous.published, previous.computed) == (finding.published, finding.computed):
            continue  # as it was before the save (a disagreement as published): not a consequence of this save
        warnings.append(
            SaveWarning(
                finding.rule,
                locality_id=finding.locality_id,
                year=finding.year,
                row=finding.row,
                column=finding.column if finding.plan_indicator_id is None else _value_column(finding),
                message=_finding_message(finding, previous),
                plan_indicator_id=finding.plan_indicator_id,
            )
        )
    return warnings


def _value_column(finding: Finding) -> str:
    """An indicator value's column as the indicator grid heads it: “Chỉ tiêu 2024” (the quality check's indicator
    findings are on targets)."""
    return _("Target %(year)s") % {"year": finding.year}


def _finding_message(finding: Finding, previous: Finding | None) -> str:
    if finding.rule != TOTAL_IS_SUM:
        return finding.message
    if previous is None:  # “Tổng cộng lệch +5”
        return _("the total no longer equals the sum of its rows: off by %(difference)s (sum of the rows %(sum)s).") % {
            "difference": finding.difference_text,
            "sum": finding.computed_text,
        }
    return _("the total still differs from the sum of its rows: off by %(difference)s instead of %(before)s.") % {
        "difference": finding.difference_text,
        "before": previous.difference_text,
    }

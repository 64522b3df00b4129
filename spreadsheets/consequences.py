"""What a household sheet's changes would do beyond the cells changed: warnings shown in the preview before saving.

A total row that no longer equals the sum of its rows (“Tổng cộng lệch +5”), and a rate that falls by more than
half from one year to the next. Published documents do not always add up, so these are warnings the person reads
before confirming the save, never refusals; they name the row and column so that the cause can be found.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from kernel.numbers import format_count, format_decimal
from plan_tables.household import COUNT_FIELDS, HouseholdTable

from .changes import HOUSEHOLD, Change
from .problems import Problem


def _signed(value: int) -> str:
    return ("+" if value > 0 else "−") + format_count(abs(value))


def household_warnings(table: HouseholdTable, changes: list[Change], sheet: str, row_of: dict[int, int]) -> list:
    """Warnings for the `changes` of one household sheet; `row_of` maps a locality to its sheet row."""
    mine = [change for change in changes if change.target == HOUSEHOLD and change.sheet == sheet]
    if not mine or table.total is None:
        return []
    new = {(c.owner_id, c.year, c.kind, c.field): c.new_value for c in mine}
    warnings = []
    total_row = row_of.get(table.total.locality_id)
    for index, column in enumerate(table.columns):
        field = "published_rate" if column.is_rate else column.field
        if field not in COUNT_FIELDS:
            continue
        touched = any((row.locality_id, column.year, column.kind, field) in new for row in [*table.rows, table.total])
        if not touched:
            continue

        def value(row, index=index, column=column, field=field):
            key = (row.locality_id, column.year, column.kind, field)
            return new[key] if key in new else row.cells[index]

        cells = [value(row) for row in table.rows]
        total = value(table.total)
        if total is None or any(cell is None for cell in cells):
            continue
        before = sum(row.cells[index] or 0 for row in table.rows) == (table.total.cells[index] or 0)
        difference = int(Decimal(total) - sum(Decimal(cell) for cell in cells))
        if difference and before:
            warnings.append(
                Problem(
                    _("%(total)s no longer equals the sum of its rows: off by %(difference)s (%(column)s).")
                    % {"total": table.total.label, "difference": _signed(difference), "column": column.header},
                    sheet=sheet,
                    row=total_row,
                )
            )
    rows = {}
    for row in [*table.rows, table.total]:
        rows.setdefault(row.locality_id, row)
    # The first rate column of each year, looked up once: a lookup per change made 10.000 changes quadratic.
    rate_columns = {}
    for index, column in enumerate(table.columns):
        if column.is_rate:
            rate_columns.setdefault(column.year, []).append((index, column))
    for change in mine:
        if change.field != "published_rate" or change.new_value is None:
            continue
        previous = _previous_rate(rows.get(change.owner_id), rate_columns.get(change.year - 1, ()), new)
        if previous and change.new_value < previous / 2:
            warnings.append(
                Problem(
                    _(
                        "%(label)s: the rate falls from %(before)s%% in %(year_before)s to %(after)s%% in %(year)s, "
                        "by more than half in a year. Check the figures before saving."
                    )
                    % {
                        "label": change.label,
                        "before": format_decimal(previous, 2),
                        "year_before": change.year - 1,
                        "after": format_decimal(change.new_value, 2),
                        "year": change.year,
                    },
                    sheet=sheet,
                    row=change.row,
                )
            )
    return warnings


def _previous_rate(row, columns: list, new: dict):
    """The row's rate of the year before (the first of its rate columns that has one), as the changes leave it."""
    if row is None:
        return None
    for index, column in columns:
        value = new.get((row.locality_id, column.year, column.kind, "published_rate"), row.cells[index])
        if value:
            return Decimal(value)
    return None

"""Reading one appendix sheet: its header against the layout, then every row and cell.

Nothing here writes: a reader adds problems (each naming sheet, row and column), notices and
changes to an `ImportResult`.
"""

import copy
import datetime
import functools
import operator
import re
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from analysis.consequences import SaveWarning, household_consequences, indicator_consequences
from indicators.models import IndicatorValue, PlanIndicator, Qualifier, Unit, ValueKind
from kernel.numbers import (
    MAX_DIGITS,
    MAX_RATE_PLACES,
    RATE_PLACES,
    VIETNAMESE,
    NumberFormatError,
    decimal_places,
    format_count,
    format_decimal,
    parse_number,
    rate_following_counts,
    rates_disagree,
)
from kernel.text import normalize
from localities.models import Locality
from plan_tables.household import COUNT_FIELDS, FIGURE_ATTRIBUTES, household_table
from plans.models import HouseholdFigure, Plan
from plans.models.standards import standard_periods
from workflow.models import Table
from workflow.permissions import Checker
from workflow.services import rate_disagreement_message, validate_figure

from .changes import HOUSEHOLD, INDICATOR, Change, ImportResult, as_text, differs, model_value
from .files import MAX_ROWS
from .layout import Role, SheetColumn, SheetLayout
from .problems import Problem
from .workbook import EMPTY, Sheet

HEADER_SEARCH_ROWS = 30  # an official may add or remove a title line above the table
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_LARGEST_COUNT = 10**MAX_DIGITS  # parse_number refuses a number of more digits


def same_text(found, expected) -> bool:
    return normalize(str(found if found is not None else "")).casefold() == normalize(expected or "").casefold()


class _Sheet:
    """Reads one appendix sheet: header, then every row; subclasses know what a row holds."""

    def __init__(self, worksheet: Sheet, layout: SheetLayout, plan: Plan, result: ImportResult, checker: Checker):
        self.ws = worksheet
        # The one permission check (workflow.permissions.Checker) for the uploading user (or the command's
        # operator): which rows they may change (their district, their agency's indicators) and which tables
        # are locked by review — what workflow.services will check again when the changes are written.
        self.checker = checker
        self.refused_rows: set[int] = set()
        self.layout = layout
        self.plan = plan
        self.result = result
        self.columns = layout.columns
        self.width = len(self.columns)
        self.seen: dict[int, int] = {}  # row key → sheet row where it was first found

    # problems
    def error(self, message: str, row: int | None = None, position: int | None = None) -> None:
        self.result.errors.append(self._problem(message, row, position))

    def notice(self, message: str, row: int | None = None, position: int | None = None) -> None:
        self.result.notices.append(self._problem(message, row, position))

    def _problem(self, message: str, row: int | None, position: int | None) -> Problem:
        column, letter = "", ""
        if position is not None:
            letter = get_column_letter(position + 1)
            column = self.columns[position].title if position < self.width else letter
        return Problem(message, sheet=self.ws.title, row=row, column=column, letter=letter)

    # header
    def read(self) -> None:
        header_row = self._find_header()
        if header_row is None or not self._check_header(header_row):
            return
        first = header_row + self.layout.header_row_count
        # Only the cells the sheet really holds (spreadsheets.workbook keeps the filled ones): a rectangle would
        # visit every empty cell up to the farthest formatted one.
        outside = sorted(
            (row, column)
            for (row, column), cell in self.ws.cells.items()
            if row >= first and column > self.width and not _blank(cell)
        )
        for row, column in outside[:50]:
            self.error(_("This cell is outside the table: remove it or move it back."), row, column - 1)
        self._refuse_merged_figures(first)
        count = 0
        # Only the rows the sheet holds: a range up to the last row would visit every empty row above a single
        # formatted cell at row 1.048.576; the rows present were counted as the sheet was read.
        held = self.ws.cells
        present = sorted({row for (row, column) in held if row >= first and column <= self.width})
        for row in present:
            cells = [held.get((row, column), EMPTY) for column in range(1, self.width + 1)]
            if all(_blank(cell) for cell in cells):
                continue  # formatting alone, or a spacer row
            count += 1
            if count > MAX_ROWS:
                self.error(
                    _("The sheet has more than %(limit)s rows: nothing was read.") % {"limit": format_count(MAX_ROWS)}
                )
                return
            self.read_row(row, cells)
        self.finish()

    def _refuse_merged_figures(self, first: int) -> None:
        """Merged cells where figures belong: every cell of a merge but the first reads as empty, which would
        clear a published figure without anybody having meant to. (The indicator table's agency cells are
        merged by the export itself; they are text, not figures, and stay allowed.)"""
        for merged in self.ws.merged:
            if merged.max_row < first:
                continue
            figures = [
                column
                for column in range(merged.min_col, min(merged.max_col, self.width) + 1)
                if self.columns[column - 1].role == Role.FIGURE
            ]
            if figures:
                self.error(
                    _(
                        "The cells %(cells)s are merged: each figure needs its own cell. Unmerge them and enter "
                        "each figure again."
                    )
                    % {"cells": merged.coord},
                    merged.min_row,
                    figures[0] - 1,
                )

    def _find_header(self) -> int | None:
        number, label = self.columns[0].header, self.columns[1].header
        candidates = [self.layout.header_row, *range(1, HEADER_SEARCH_ROWS + 1)]
        for row in candidates:
            if same_text(self.ws.value(row, 1), number) and same_text(self.ws.value(row, 2), label):
                return row
        self.error(
            _("The table header was not found: the sheet needs “%(number)s” in column A and “%(label)s” in column B.")
            % {"number": number, "label": label},
            self.layout.header_row,
            0,
        )
        return None

    def _header_values(self, header_row: int) -> dict[tuple[int, int], object]:
        """Header cell values, with a merged range's value in each of its cells."""
        last = header_row + self.layout.header_row_count - 1
        values = {}
        for merged in self.ws.merged:
            if merged.max_row < header_row or merged.min_row > last:
                continue
            value = self.ws.value(merged.min_row, merged.min_col)
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    values[(row, column)] = value
        for row in range(header_row, last + 1):
            for column in range(1, self.width + 1):
                values.setdefault((row, column), self.ws.value(row, column))
        for (row, column), cell in self.ws.cells.items():  # headers right of the table, if any
            if header_row <= row <= last and column > self.width:
                values.setdefault((row, column), cell.value)
        return values

    def _check_header(self, header_row: int) -> bool:
        values = self._header_values(header_row)
        two_rows = self.layout.header_row_count == 2
        ok = True
        for position, column in enumerate(self.columns):
            top = values[(header_row, position + 1)]
            bottom = values[(header_row + 1, position + 1)] if two_rows else None
            row = header_row
            if column.group:
                matches = same_text(top, column.group) and same_text(bottom, column.header)
                found = " — ".join(str(v) for v in (top, bottom) if v not in (None, ""))
                if same_text(top, column.group):
                    row = header_row + 1  # the group is right, the column under it is not
            else:
                matches = same_text(top, column.header) and (bottom in (None, "") or same_text(bottom, column.header))
                found = str(top) if top not in (None, "") else ""
            if not matches:
                ok = False
                self.error(self._header_message(column, found), row, position)
        extra_columns = sorted({column for (_row, column) in values if column > self.width})
        for position in [column - 1 for column in extra_columns]:
            extra = [values.get((row, position + 1)) for row in range(header_row, header_row + (2 if two_rows else 1))]
            if any(value not in (None, "") for value in extra):
                ok = False
                self.error(
                    _("The column “%(found)s” is not part of this appendix: remove it.")
                    % {"found": " — ".join(str(v) for v in extra if v not in (None, ""))},
                    header_row,
                    position,
                )
        return ok

    def _header_message(self, column: SheetColumn, found: str) -> str:
        found_years = [int(match.group()) for match in _YEAR.finditer(found)]
        expected_pattern = _YEAR.sub("@YEAR@", normalize(column.title).casefold())
        same_but_year = _YEAR.sub("@YEAR@", normalize(found).casefold()) == expected_pattern
        if column.year and same_but_year and found_years and found_years[0] != column.year:
            year = found_years[0]
            last = self.plan.orientation_year or self.plan.last_year
            outside = year > last or (column.kind == "target" and year < self.plan.first_year)
            if outside:
                return _(
                    "The year %(year)s lies outside the plan's period %(first)s–%(last)s: "
                    "this column must hold %(expected)s."
                ) % {"year": year, "first": self.plan.first_year, "last": last, "expected": column.year}
            return _("This column must hold the year %(expected)s, not %(year)s.") % {
                "expected": column.year,
                "year": year,
            }
        if not found:
            return _("The column “%(expected)s” is missing here: a column was deleted or moved.") % {
                "expected": column.title
            }
        return _("Expected the column “%(expected)s”, found “%(found)s”: a column is missing or has moved.") % {
            "expected": column.title,
            "found": found,
        }

    # cells
    def text(self, cell) -> str:
        value = None if cell is None else cell.value
        return normalize(str(value)) if value is not None else ""

    def is_formula(self, cell, row: int, position: int) -> bool:
        value = cell.value
        if cell.data_type == "f" or (isinstance(value, str) and value.lstrip().startswith("=")):
            formula = getattr(value, "text", None) or str(value)
            self.error(
                _("The cell holds a formula (%(formula)s): enter the figure itself.") % {"formula": formula[:60]},
                row,
                position,
            )
            return True
        return False

    def number(self, cell, row: int, position: int, *, integer: bool = False) -> tuple[bool, Decimal | None]:
        """(valid, value): the figure in the cell, typed as a number or as Vietnamese text (“7.540”, “2,27”)."""
        if _blank(cell):
            return True, None
        if self.is_formula(cell, row, position):
            return False, None
        value = cell.value
        if isinstance(value, datetime.date | datetime.time):
            self.error(
                _("The cell holds a date where a number belongs: format it as a number and type the figure again."),
                row,
                position,
            )
            return False, None
        try:
            return True, parse_number(value, separators=VIETNAMESE, integer=integer)
        except NumberFormatError as error:
            self.error(str(error), row, position)
            return False, None

    def label_or_error(self, cells, row: int) -> str:
        # A label is text, whatever it starts with: the export writes “=…” labels as text cells, and reading them
        # back as formulas made such an appendix impossible to re-import. Only a real formula cell is refused.
        if cells[1].data_type == "f" and self.is_formula(cells[1], row, 1):
            return ""
        label = self.text(cells[1])
        if not label:
            self.error(_("The row has no label: enter the name as the appendix prints it."), row, 1)
        return label

    def first_seen(self, key: int, label: str, row: int) -> bool:
        if key in self.seen:
            self.error(
                _("“%(label)s” appears twice: it is already in row %(row)s.") % {"label": label, "row": self.seen[key]},
                row,
                1,
            )
            return False
        self.seen[key] = row
        return True

    def model_errors(self, error: ValidationError, row: int, positions: dict[str, int]) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.error(message, row, positions.get(name, 1))

    def permitted(self, decision, row: int) -> bool:
        """Whether the user may change this row; the reason is reported once per row."""
        if decision:
            return True
        if row not in self.refused_rows:
            self.refused_rows.add(row)
            self.error(decision.reason, row, 1)
        return False

    def add_change(
        self, target: str, owner_id: int, column: SheetColumn, attribute: str, old, new, label, row, standard=""
    ):
        self.result.changes.append(
            Change(
                target=target,
                appendix=self.layout.appendix.code,
                owner_id=owner_id,
                year=column.year,
                kind=column.kind,
                field=attribute,
                old=as_text(old),
                new=as_text(new),
                label=label,
                column=column.title,
                sheet=self.ws.title,
                row=row,
                standard=standard,
            )
        )

    def edits(self, target: str) -> dict:
        """This sheet's changes of `target` as analysis.consequences takes them: (owner, year, kind) → values."""
        edits: dict = defaultdict(dict)
        for change in self.result.changes:
            if change.target == target and change.sheet == self.ws.title:
                edits[change.owner_id, change.year, change.kind][change.field] = model_value(change)
        return edits

    def warn(self, warnings: list[SaveWarning]) -> None:
        """The consequences of this sheet's changes beyond their cells, at the sheet row of the row they concern: the
        preview's warnings, which the person confirms before the save (as the grids' “Confirm and save”)."""
        for warning in warnings:
            owner = warning.locality_id if warning.plan_indicator_id is None else warning.plan_indicator_id
            self.result.warnings.append(
                Problem(
                    f"{warning.row}: {warning.message}",
                    sheet=self.ws.title,
                    row=self.seen.get(owner),
                    column=self.warning_column(warning),
                )
            )

    def warning_column(self, warning: SaveWarning) -> str:
        return warning.column  # a household table's columns are named as the sheet names them

    def read_row(self, row: int, cells: list) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


_FORMAT_DECIMALS = re.compile(r"^[#,0]*0\.(0+)")


def _as_formatted(cell, value: Decimal) -> Decimal:
    """A rate or a value typed as a number with the decimals its cell shows (3,50 formatted "0.00" is the float 3.5):
    the places the person sees are the places recorded. Text (“1,2”) already carries its own."""
    if not isinstance(cell.value, int | float) or isinstance(cell.value, bool):
        return value
    places = _format_places(str(getattr(cell, "number_format", "") or ""))
    if places > decimal_places(value):
        return value.quantize(Decimal(1).scaleb(-places))
    return value


@functools.lru_cache(maxsize=256)
def _format_places(number_format: str) -> int:
    """The decimals a cell's number format shows, at most MAX_RATE_PLACES ("0.00" → 2): a sheet has a few formats
    for its 150.000 figures."""
    match = _FORMAT_DECIMALS.match(number_format)
    return min(len(match[1]), MAX_RATE_PLACES) if match else 0


def _blank(cell) -> bool:
    if cell is None:
        return True
    value = cell.value
    return value is None or (isinstance(value, str) and not value.strip())


class _Group(NamedTuple):
    """The columns of one figure in a row of a household sheet."""

    key: tuple[int, str]  # (year, kind)
    indexes: list[int]  # its columns among the layout's data columns
    attribute: dict[int, str]  # column index → the figure's attribute
    positions: dict[str, int]  # the figure's attribute → its sheet position (0-based, as error() takes it)


_FIGURE_NAMES = tuple(FIGURE_ATTRIBUTES.values())
_read_figure = operator.attrgetter(*_FIGURE_NAMES)
_NO_FIGURE = (None,) * len(_FIGURE_NAMES)


class HouseholdSheet(_Sheet):
    """A table of households, poor households and rates per locality and year (Phụ lục 01, Thừa Thiên Huế's Phụ lục)."""

    def __init__(self, *args):
        super().__init__(*args)
        # The stored figures as plain values: a model instance each took a fifth of a 10.000-row preview; the
        # figures a row changes are built as models to be validated (_read_group).
        self.table = household_table(self.layout.appendix, with_figures=False)
        self.table_rows = self.table.published_order
        self.localities = Locality.objects.in_bulk([table_row.locality_id for table_row in self.table_rows])
        self.by_label = {}
        for table_row in self.table_rows:
            for name in (table_row.label, table_row.locality_name):
                self.by_label.setdefault(normalize(name).casefold(), table_row)

    # The line the export writes in the blank row above the header (plan_tables.household `standard_line`), in
    # either language: “Chuẩn nghèo: 2021–2026 (Nghị định 07/2021/NĐ-CP)”.
    STANDARD_LINE_STARTS = ("chuẩn nghèo", "poverty standard")

    def _check_header(self, header_row: int) -> bool:
        ok = super()._check_header(header_row)
        self.standard_row, self.named_standards = self._read_standard_line(header_row)
        self.refused_years: set[int] = set()
        return ok

    def _read_standard_line(self, header_row: int) -> tuple[int | None, list[str]]:
        """The row of the header's poverty-standard line and the codes of the standards it names, by their legal
        basis (or code); (None, []) without such a line: then each new figure gets the standard in force for its
        year (HouseholdFigure.clean)."""
        for row in range(1, header_row):
            value = self.ws.value(row, 1)
            text = normalize(str(value)).casefold() if isinstance(value, str) else ""
            if not text.startswith(self.STANDARD_LINE_STARTS):
                continue
            named = [
                code
                for code, (_first, _last, basis) in standard_periods().items()
                if normalize(basis).casefold() in text or code.casefold() in text
            ]
            if not named:
                self.error(
                    _(
                        "Cell A%(row)s names no poverty standard the application knows (“%(text)s”): name it by its "
                        "legal basis, e.g. “Nghị định 07/2021/NĐ-CP”, or clear the cell."
                    )
                    % {"row": row, "text": normalize(str(value))[:120]},
                    row,
                )
            return row, named
        return None, []

    def _standard_of(self, year: int, column: SheetColumn) -> str | None:
        """The standard the header names for a figure of `year` (the latest to start, where two cover it); None
        after refusing, once per year, a header whose standards do not measure that year."""
        periods = standard_periods()
        covering = sorted(
            (periods[code][0], code) for code in self.named_standards if periods[code][0] <= year <= periods[code][1]
        )
        if covering:
            return covering[-1][1]
        if year not in self.refused_years:
            self.refused_years.add(year)
            named = "; ".join(f"{periods[c][2]} ({periods[c][0]}–{periods[c][1]})" for c in self.named_standards)
            self.error(
                _(
                    "Cell A%(row)s names the poverty standard %(named)s, which does not measure %(year)s (column "
                    "“%(column)s”): name the standard in force for %(year)s or clear the cell."
                )
                % {"row": self.standard_row, "named": named, "year": year, "column": column.title},
                self.standard_row,
            )
        return None

    def _figure(self, cell, row: int, position: int, column: SheetColumn):
        is_count = column.field in COUNT_FIELDS
        if is_count and type(cell.value) is int and 0 <= cell.value < _LARGEST_COUNT:
            return True, cell.value  # a count typed as a number: what parse_number and the checks below give it
        valid, value = self.number(cell, row, position, integer=is_count)
        if not valid or value is None:
            return valid, value
        if is_count:
            if value < 0:
                self.error(_("A count cannot be negative (%(value)s).") % {"value": format_count(value)}, row, position)
                return False, None
            return True, int(value)
        if not Decimal(0) <= value <= Decimal(100):
            self.error(_("A poverty rate lies between 0 and 100%."), row, position)
            return False, None
        if value != value.quantize(RATE_PLACES):
            self.error(
                _("A rate is published with at most two decimals, not “%(value)s”.")
                % {"value": format_decimal(value, max(2, -value.as_tuple().exponent))},
                row,
                position,
            )
            return False, None
        return True, _as_formatted(cell, value)

    def read_row(self, row: int, cells: list) -> None:
        label = self.label_or_error(cells, row)
        if not label:
            return
        table_row = self.by_label.get(label.casefold())
        if table_row is None:
            self.error(
                _("“%(label)s” is not a locality of this appendix: write it as the appendix names it.")
                % {"label": label},
                row,
                1,
            )
            return
        if not self.first_seen(table_row.locality_id, label, row):
            return
        values, invalid = {}, set()
        for index, column in enumerate(self.layout.data_columns):
            position = index + 2
            valid, value = self._figure(cells[position], row, position, column)
            values[index] = value
            if not valid:
                invalid.add((column.year, column.kind))
        for group in self.groups:
            if group.key not in invalid:
                self._read_group(row, table_row, group, values)

    @functools.cached_property
    def groups(self) -> list["_Group"]:
        """The figures of a row — its columns by (year, kind), in the order of the columns — the same for every row."""
        columns = self.layout.data_columns
        indexes: dict[tuple[int, str], list[int]] = defaultdict(list)
        for index, column in enumerate(columns):
            indexes[(column.year, column.kind)].append(index)
        groups = []
        for key, group in indexes.items():
            attribute = {index: FIGURE_ATTRIBUTES[columns[index].field] for index in group}
            groups.append(_Group(key, group, attribute, {attribute[index]: index + 2 for index in group}))
        return groups

    def _read_group(self, row: int, table_row, group: "_Group", values: dict) -> None:
        columns = self.layout.data_columns
        key, indexes, attribute, positions = group
        stored = table_row.figures.get(key)
        figures = dict(zip(_FIGURE_NAMES, _read_figure(stored) if stored else _NO_FIGURE, strict=True))
        cells = table_row.cells
        changed = [index for index in indexes if differs(values[index], cells[index])]
        for index in indexes:
            figures[attribute[index]] = values[index]
        poor, households, rate = figures["poor_households"], figures["households"], figures["published_rate"]
        if None not in (poor, households) and poor > households:
            self.error(
                _("There cannot be more poor households (%(poor)s) than households (%(households)s).")
                % {"poor": format_count(poor), "households": format_count(households)},
                row,
                positions.get("poor_households", positions.get("households")),
            )
            return
        computed = rate_following_counts(poor, households)
        rate_index = next((index for index in indexes if attribute[index] == "published_rate"), None)
        counts_changed = any(attribute[index] in ("households", "poor_households") for index in changed)
        # Counts changed under an untouched rate: the rate follows its counts (below), it is not a mistake.
        follows = counts_changed and rate_index is not None and rate_index not in changed
        # The one rule and tolerance of a rate against its counts (kernel.numbers.rates_disagree), as the service's.
        if rates_disagree(rate, computed) and not follows:
            message = rate_disagreement_message(rate, poor, households, computed)
            where = positions.get("published_rate", min(positions.values()))
            if changed:
                self.error(message, row, where)
                return
            # Published that way and not touched: the data-quality report shows it; it is not the importer's to refuse.
            self.notice(message, row, where)
        if not changed:
            return
        # Counts changed under an untouched rate: the rate follows its counts, as every channel does
        # (workflow.services._derive_rate); shown here as a change of its own so that the preview says so.
        if follows and computed is not None:
            if differs(computed, table_row.cells[rate_index]):
                values[rate_index] = computed
                figures["published_rate"] = computed
                changed.append(rate_index)
        if not self.permitted(self.checker.can_edit_figure(self.localities[table_row.locality_id]), row):
            return
        standard = ""
        if self.named_standards:
            standard = self._standard_of(key[0], columns[indexes[0]])
            if standard is None:
                return
        self.result.reason_required |= self.checker.reason_required(Table.DISTRICTS, table_row.locality_id)
        year, kind = key
        written = frozenset(attribute[index] for index in changed)
        try:
            # The same validation as the commit's (workflow.services.validate_figure), which validates and the
            # database enforces again: a stored figure's on its values (HouseholdFigure.validate_stored), without a
            # model instance built per figure.
            if stored is None:
                candidate = HouseholdFigure(
                    plan=self.plan,  # clean() reads the plan's period: not one query per row
                    locality_id=table_row.locality_id,
                    year=year,
                    kind=kind,
                    **figures,
                )
                if standard:
                    candidate.standard_id = standard
                validate_figure(candidate, written)
            else:
                figures.update(
                    year=year,
                    kind=kind,
                    standard_id=standard or stored.standard_id,
                    published_rate_places=stored.published_rate_places,
                )
                HouseholdFigure.validate_stored(figures, self.plan, written)
        except ValidationError as error:
            self.model_errors(error, row, positions)
            return
        for index in changed:
            self.add_change(
                HOUSEHOLD,
                table_row.locality_id,
                columns[index],
                attribute[index],
                table_row.cells[index],
                values[index],
                table_row.label,
                row,
                standard=standard,
            )

    def finish(self) -> None:
        # The consequences of the changes beyond their cells (a rate that moves, a total that no longer adds up, a
        # rate that halves): the grid's warnings, shown in the preview and confirmed before the save.
        self.warn(household_consequences(self.table, self.edits(HOUSEHOLD)))
        for table_row in self.table_rows:
            if table_row.locality_id not in self.seen:
                self.notice(
                    _("“%(label)s” is not in the sheet: its figures are left as they are.") % {"label": table_row.label}
                )


class IndicatorSheet(_Sheet):
    """A table of indicator values by year (Phụ lục 02): baselines, targets and results of each indicator."""

    def __init__(self, *args):
        super().__init__(*args)
        self.indicators = list(
            PlanIndicator.objects.filter(appendix=self.layout.appendix)
            .select_related("indicator", "plan")
            .prefetch_related("values")
            .order_by("order")
        )
        self.stored = {
            plan_indicator.pk: {(value.year, value.kind): value for value in plan_indicator.values.all()}
            for plan_indicator in self.indicators
        }
        self.by_label = {}
        for plan_indicator in self.indicators:
            names = [plan_indicator.text, f"{plan_indicator.group_heading} {plan_indicator.text}"]
            for name in [*names, plan_indicator.indicator.name]:
                self.by_label.setdefault(normalize(name).casefold(), plan_indicator)

    def read_row(self, row: int, cells: list) -> None:
        label = self.label_or_error(cells, row)
        if not label:
            return
        plan_indicator = self.by_label.get(label.casefold())
        if plan_indicator is None:
            self.error(
                _("“%(label)s” is not an indicator of this appendix: copy its text as the appendix prints it.")
                % {"label": label},
                row,
                1,
            )
            return
        if not self.first_seen(plan_indicator.pk, label, row):
            return
        stored = self.stored[plan_indicator.pk]
        for index, column in enumerate(self.layout.data_columns):
            position = index + 2
            cell = cells[position]
            if column.role == Role.TEXT:
                self._read_text(cell, row, position, column, plan_indicator)
                continue
            valid, value = self.number(cell, row, position)
            if not valid:
                continue
            if value is not None and not self._acceptable(value, row, position, plan_indicator):
                continue
            if value is not None:
                value = _as_formatted(cell, value)  # 9,70 typed as 9.7 in a cell formatted "#,##0.00": two decimals
            current = stored.get((column.year, column.kind))
            old = current.value_as_printed if current else None  # shown in the preview as printed
            if not differs(value, old):
                continue
            if value is None:
                # As on the editing screens: a published value is corrected, never silently dropped.
                self.error(_("A value cannot be removed by an import; enter a number."), row, position)
                continue
            if not self.permitted(self.checker.can_edit_indicator(plan_indicator), row):
                continue
            self.result.reason_required |= self.checker.reason_required(Table.INDICATORS)
            candidate = copy.copy(current) if current else _new_value(plan_indicator, column)
            candidate.value = value
            try:
                candidate.full_clean()
            except ValidationError as error:
                self.model_errors(error, row, {"value": position, "year": position})
                continue
            self.add_change(INDICATOR, plan_indicator.pk, column, "value", old, value, label, row)

    def _acceptable(self, value: Decimal, row: int, position: int, plan_indicator: PlanIndicator) -> bool:
        if value < 0:
            self.error(_("A value cannot be negative."), row, position)
            return False
        if plan_indicator.indicator.unit == Unit.PERCENT and value > 100:
            self.error(_("A percentage cannot exceed 100."), row, position)
            return False
        if value != value.quantize(RATE_PLACES):
            self.error(_("A value has at most two decimals."), row, position)
            return False
        return True

    def _read_text(self, cell, row: int, position: int, column: SheetColumn, plan_indicator: PlanIndicator) -> None:
        if _blank(cell):
            return  # a merged agency cell continues the one above
        if column.field == "unit":
            stored = plan_indicator.indicator.unit
        elif column.field == "responsible":
            stored = plan_indicator.responsible_as_written
        else:
            return
        if not same_text(cell.value, stored):
            self.notice(_("Only the figures are imported: the change in this column is ignored."), row, position)

    def warning_column(self, warning: SaveWarning) -> str:
        """The sheet's column of the value a warning is about (“Năm 2024”), where the sheet has it."""
        titles = {(column.year, column.kind): column.title for column in self.layout.data_columns}
        return titles.get((warning.year, ValueKind.TARGET), warning.column)

    def finish(self) -> None:
        # What the changes would bring about beyond their cells (a target against its indicator's direction): the
        # indicator grid's warnings, shown in the preview and confirmed before the save.
        self.warn(indicator_consequences(self.indicators, self.edits(INDICATOR)))
        for plan_indicator in self.indicators:
            if plan_indicator.pk not in self.seen:
                self.notice(
                    _("“%(label)s” is not in the sheet: its values are left as they are.")
                    % {"label": plan_indicator.text}
                )


def _new_value(plan_indicator: PlanIndicator, column: SheetColumn) -> IndicatorValue:
    return IndicatorValue(
        plan_indicator=plan_indicator, year=column.year, kind=column.kind, qualifier=Qualifier.EXACTLY
    )

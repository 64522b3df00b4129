"""An uploaded workbook as the import reads it: each sheet's filled cells and merged ranges, nothing else.

The cells come from the streamed pass that measured the sheets (spreadsheets.measuring), so a sheet's XML is parsed
once. openpyxl, in read-only mode, supplies what lies outside the sheets — the sheets' names and states, the shared
strings, the cells' number formats, the date system and the workbook's identifier — and the values are turned from
their XML text exactly as openpyxl's own reader turns them (numbers, shared and inline strings, booleans, dates by
their format, errors, formulas kept as formulas), so that the import sees what it saw with a fully loaded workbook.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .measuring import MeasuredSheet, RawCell


class SheetCell(NamedTuple):
    """A cell's value as openpyxl reads it, its type (n, s, f for a formula, b, d for a date, e) and number format."""

    value: object
    data_type: str = "n"
    number_format: str = "General"


EMPTY = SheetCell(None)
_sheet_cell = tuple.__new__  # SheetCell's own __new__ without its defaults' handling, for 170.000 cells


@dataclass(frozen=True)
class MergedRange:
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.min_col)}{self.min_row}:{get_column_letter(self.max_col)}{self.max_row}"


@dataclass
class Sheet:
    title: str
    sheet_state: str = "visible"
    cells: dict[tuple[int, int], SheetCell] = field(default_factory=dict)  # (row, column) → a filled cell
    merged: list[MergedRange] = field(default_factory=list)

    def cell(self, row: int, column: int) -> SheetCell:
        return self.cells.get((row, column), EMPTY)

    def value(self, row: int, column: int):
        return self.cells.get((row, column), EMPTY).value

    def rows(self, width: int) -> list[tuple[int, tuple]]:
        """(row number, the values of its first `width` columns) of every row holding something, top to bottom."""
        numbers = sorted({row for (row, column) in self.cells if column <= width})
        return [(row, tuple(self.value(row, column) for column in range(1, width + 1))) for row in numbers]


@dataclass
class UploadedWorkbook:
    identifier: str
    worksheets: list[Sheet]

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.worksheets]


def uploaded_workbook(book, measured: dict[str, MeasuredSheet]) -> UploadedWorkbook:
    """The workbook from openpyxl's read-only `book` (its parts outside the sheets) and the measured sheets."""
    worksheets = []
    for ws in book.worksheets:
        # A read-only worksheet knows its zip member and the workbook's shared strings (openpyxl passes them on).
        content = measured.get(ws._worksheet_path, MeasuredSheet())
        sheet = Sheet(title=ws.title, sheet_state=ws.sheet_state)
        _Converter(ws, book.epoch).fill(sheet, content)
        worksheets.append(sheet)
    return UploadedWorkbook(identifier=book.properties.identifier or "", worksheets=worksheets)


def _number(text: str) -> int | float:
    """A number cell's value, as openpyxl reads it: a float when written with a point or an exponent."""
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


class _Converter:
    """A cell's XML text to its value, as openpyxl.worksheet._reader.WorkSheetParser.parse_cell (data_only=False)."""

    def __init__(self, ws, epoch):
        self.ws = ws
        self.strings = ws._shared_strings
        self.epoch = epoch
        self.formats: dict[int, tuple[str, bool, bool]] = {}  # style → (number format, is a date, is a duration)
        self.shared_formulas: dict[str, Translator] = {}

    def format_of(self, style: int) -> tuple[str, bool, bool]:
        if style not in self.formats:
            number_format = ReadOnlyCell(self.ws, 1, 1, None, style_id=style).number_format if style else "General"
            self.formats[style] = (number_format, is_date_format(number_format), is_timedelta_format(number_format))
        return self.formats[style]

    def fill(self, sheet: Sheet, content: MeasuredSheet) -> None:
        cells, formats = sheet.cells, self.formats
        for raw in content.cells:
            row, column, data_type, style, text, formula, _attributes = raw
            if data_type == "n" and formula is None and text:
                # A number, nearly every cell of an appendix: as cell() reads it, without a call per cell.
                number_format, is_date, _is_duration = formats.get(style) or self.format_of(style)
                if not is_date:
                    cells[(row, column)] = _sheet_cell(SheetCell, (_number(text), "n", number_format))
                    continue
            cells[(row, column)] = self.cell(raw)
        for reference in content.merged:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(reference)
            except (ValueError, TypeError):
                continue  # openpyxl ignores what it cannot read as a range, too
            merged = MergedRange(min_col, min_row, max_col or min_col, max_row or min_row)
            sheet.merged.append(merged)
            # As openpyxl: a merged range shows its first cell; what the others hold is not read (the caps bound
            # the merged area).
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    if (row, column) != (merged.min_row, merged.min_col):
                        sheet.cells.pop((row, column), None)

    def cell(self, raw: RawCell) -> SheetCell:
        number_format, is_date, is_duration = self.format_of(raw.style)
        if raw.formula is not None:
            return SheetCell(self.formula(raw), "f", number_format)
        value, data_type = raw.value or None, raw.type
        if data_type == "inlineStr":
            return SheetCell(raw.value or "", "s", number_format)  # an inline string is text, even empty
        if value is None:
            return SheetCell(None, data_type, number_format)
        if data_type == "n":
            value = _number(value)
            if is_date:
                try:
                    return SheetCell(from_excel(value, self.epoch, timedelta=is_duration), "d", number_format)
                except (OverflowError, ValueError):
                    return SheetCell("#VALUE!", "e", number_format)
            return _sheet_cell(SheetCell, (value, data_type, number_format))
        elif data_type == "s":
            value = self.strings[int(value)]
        elif data_type == "b":
            value = bool(int(value))
        elif data_type == "str":
            data_type = "s"
        elif data_type == "d":
            value = from_ISO8601(value)
        return SheetCell(value, data_type, number_format)

    def formula(self, raw: RawCell) -> str:
        """“=” and the formula's text; a shared formula's other cells get the first cell's, moved to their place."""
        value = "=" + (raw.formula or "")
        attributes = raw.formula_attributes or {}
        if attributes.get("t") == "shared":
            index = attributes.get("si")
            coordinate = f"{get_column_letter(raw.column)}{raw.row}"
            if index in self.shared_formulas:
                return self.shared_formulas[index].translate_formula(coordinate)
            if raw.formula:
                self.shared_formulas[index] = Translator(value, coordinate)
        return value

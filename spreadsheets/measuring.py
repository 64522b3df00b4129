"""A workbook measured by what it holds, not by what it declares — and read in the same pass.

openpyxl trusts a sheet's declared dimension (its read-only mode stops at it, so 25.000 rows under a dimension of
ten passed a row count) and its normal mode builds one object per cell present and per cell of every merged
range (a merge over a whole column is millions of objects). So the worksheets' XML is streamed here, straight
from the zip, and the rows, cells, columns and merged areas actually present are counted against hard caps; the
first cap exceeded stops the count and refuses the file. Reading 50 MB of XML is never needed to refuse it: every
cap is reached after a few hundred thousand elements, well under a second.

The same pass keeps what each filled cell holds (as written in the XML: its type, style, value or formula) and
the merged ranges, within those caps: the import reads the sheets from that (spreadsheets.workbook), without
parsing the sheets a second time through openpyxl — which took as long again as this pass (10.000 rows).
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from django.utils.translation import gettext as _

from kernel.numbers import format_count

from .problems import ImportRefused, Problem

MAX_FILLED_ROWS = 20_000 + 50  # data rows (files.MAX_ROWS) and the title lines, note and header above them
MAX_ROW_ELEMENTS = 50_000  # rows present at all, filled or carrying only formatting (each is an object)
MAX_CELLS = 400_000  # cells present, filled or only formatted: an appendix of 20.000 rows × 20 columns
MAX_COLUMN = 200  # an appendix is far narrower; a filled cell beyond this is no appendix
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges (openpyxl makes an object of each)
_SMALL_PART = 2 * 1024 * 1024  # workbook.xml and its relationships are a few kilobytes
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REFERENCE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def _refuse(message: str, sheet: str = "") -> ImportRefused:
    return ImportRefused([Problem(message, sheet=sheet)])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _parse_reference(reference: str) -> tuple[int, int] | None:
    match = _REFERENCE.match(reference or "")
    return (_column_number(match.group(1)), int(match.group(2))) if match else None


_COLUMN_NUMBERS: dict[str, int] = {}  # "C" → 3: a sheet names a few dozen columns, 170.000 times


def _cell_position(reference: str) -> tuple[int, int] | None:
    """As _parse_reference for a cell's own reference (“C123”), without a regular expression per cell."""
    letters = reference.rstrip("0123456789")
    column = _COLUMN_NUMBERS.get(letters)
    digits = reference[len(letters) :]
    if column is None or not 0 < len(digits) <= 7:
        position = _parse_reference(reference)
        if position is not None and letters.isalpha():
            _COLUMN_NUMBERS[letters] = position[0]
        return position
    return column, int(digits)


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        data = part.read(_SMALL_PART + 1)
    if len(data) > _SMALL_PART:
        raise _refuse(_("The workbook's list of sheets is far larger than any workbook's: nothing was read."))
    return data


def worksheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet the workbook lists, plus any member under xl/worksheets/."""
    from xml.etree.ElementTree import fromstring

    names = set(archive.namelist())
    parts: dict[str, str] = {}
    try:
        workbook = fromstring(_read_small(archive, "xl/workbook.xml"))
        targets = {}
        if "xl/_rels/workbook.xml.rels" in names:
            relationships = fromstring(_read_small(archive, "xl/_rels/workbook.xml.rels"))
            for rel in relationships.iter(f"{_PACKAGE_REL}Relationship"):
                target = rel.get("Target", "")
                member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[rel.get("Id")] = member
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            member = targets.get(sheet.get(f"{_REL}id"))
            if member in names:
                parts[member] = sheet.get("name", "")
    except ParseError as error:
        raise _refuse(
            _(
                "The file is damaged and cannot be opened as a workbook (%(detail)s). Export it again and redo the "
                "changes."
            )
            % {"detail": str(error)[:200]}
        ) from error
    for member in names:
        if member.startswith("xl/worksheets/") and member.endswith(".xml") and member not in parts:
            parts[member] = posixpath.basename(member)
    return sorted(((name, member) for member, name in parts.items()), key=lambda item: item[1])


class _Count:
    def __init__(self):
        self.cells = 0


class RawCell(NamedTuple):
    """A filled cell as the sheet's XML writes it; spreadsheets.workbook turns it into a value as openpyxl would.
    (A tuple: a sheet of 10.000 rows has 170.000 of them.)"""

    row: int
    column: int
    type: str  # the `t` attribute: n (number), s (shared string), str, inlineStr, b, e, d
    style: int  # the `s` attribute: the cell's format, by index
    value: str | None  # the text of <v>, or of an inline string
    formula: str | None = None  # the text of <f> (without “=”), when the cell holds a formula
    formula_attributes: dict | None = None  # t="shared", si, ref: a shared formula's parts


_raw_cell = tuple.__new__  # RawCell's own __new__ without its keyword handling, for the streamed pass


def _local_name(tag: str) -> str:
    """A tag's name without its namespace (“… c” → “c”), looked up once per tag: the pass meets 360.000 elements."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag.rpartition(" ")[2]
    return name


_LOCAL_NAMES: dict[str, str] = {}


@dataclass
class MeasuredSheet:
    """What a worksheet holds, within the caps: its filled cells and its merged ranges (“A6:A7”)."""

    cells: list[RawCell] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


def measure_workbook(archive: zipfile.ZipFile) -> dict[str, MeasuredSheet]:
    """Every worksheet's content by zip member, read in one streamed pass each; ImportRefused for a workbook whose
    sheets hold more than any appendix: rows, cells, columns, merges."""
    count = _Count()
    return {member: _measure_sheet(archive, member, name, count) for name, member in worksheet_parts(archive)}


def _too_many_rows(sheet: str) -> ImportRefused:
    return _refuse(
        _("Sheet “%(sheet)s” has more than %(limit)s rows: nothing was read.")
        % {"sheet": sheet, "limit": format_count(MAX_FILLED_ROWS - 50)}
    )


class _SheetCounter:
    """expat callbacks counting one worksheet and keeping its filled cells: no tree is built, so a million elements
    cost about a second."""

    def __init__(self, sheet: str, count: _Count):
        self.sheet = sheet
        self.count = count
        self.measured = MeasuredSheet()
        self.filled_rows = self.row_elements = self.merged = 0
        self.row_filled = self.in_cell = self.cell_filled = False
        self.in_value = False
        self.cell_column = 0
        self.cell_reference = ""
        self.row_number = self.column_number = 0  # where a row or cell without a reference lies (after the last)
        self.row_reference: str | None = None  # the row's own `r`, when it is a row number
        self.cell_type = ""
        self.cell_style = 0
        self.text_parts: list[str] = []
        self.value: str | None = None
        self.formula: str | None = None
        self.formula_attributes: dict | None = None
        self.has_content = False  # a <v>, <f> or inline string: a cell openpyxl gives a value (perhaps None)
        self.phonetic = 0  # inside <rPh>: a reading aid for East Asian text, not part of the string

    def start(self, tag: str, attributes: dict) -> None:
        name = _LOCAL_NAMES.get(tag) or _local_name(tag)
        if name == "c":
            self.count.cells += 1
            if self.count.cells > MAX_CELLS:
                raise _too_many_cells(self.sheet)
            self.in_cell, self.cell_filled = True, False
            self.cell_reference = attributes.get("r", "")  # parsed only for a filled cell (most are)
            self.cell_type = attributes.get("t", "n")
            self.cell_style = attributes.get("s", 0)
            self.value = self.formula = self.formula_attributes = None
            self.has_content = False
            self.text_parts = []
        elif name == "row":
            self.row_elements += 1
            self.row_filled = False
            if self.row_elements > MAX_ROW_ELEMENTS:
                raise _too_many_rows(self.sheet)
            reference = attributes.get("r")
            self.row_number = int(reference) if reference and reference.isdigit() else self.row_number + 1
            # Its cells' references end with it (“C123” in row 123): their column is then read off the rest.
            self.row_reference = reference if reference and reference.isdigit() and len(reference) <= 7 else None
            self.column_number = 0
        elif name == "f" and self.in_cell:
            self.cell_filled = self.has_content = True
            self.formula_attributes = attributes or None
            self.in_value, self.text_parts = True, []
        elif name in ("v", "t", "is") and self.in_cell:
            self.in_value = name != "is"
            self.has_content = True
            if name == "v":
                self.text_parts = []
        elif name == "rPh":
            self.phonetic += 1
        elif name == "mergeCell":
            reference = attributes.get("ref", "")
            self.merged += _merged_area(reference)
            if self.merged > MAX_MERGED_CELLS:
                raise _refuse(
                    _("The sheet merges more cells than any appendix (%(ref)s): nothing was read.")
                    % {"ref": reference[:30]},
                    self.sheet,
                )
            self.measured.merged.append(reference)

    def text(self, data: str) -> None:
        if self.in_value and not self.phonetic:
            self.text_parts.append(data)
            if data.strip():
                self.cell_filled = True

    def end(self, tag: str) -> None:
        name = _LOCAL_NAMES.get(tag) or _local_name(tag)
        if name == "v":
            self.in_value = False
            self.value = "".join(self.text_parts)
        elif name == "c":
            self.in_cell = False
            reference, row_reference = self.cell_reference, self.row_reference
            column = None
            if row_reference is not None and reference.endswith(row_reference):
                # What _cell_position gives, without parsing the row's digits again.
                column = _COLUMN_NUMBERS.get(reference[: -len(row_reference)])
            if column is not None:
                row = self.row_number
            else:
                position = _cell_position(reference) if reference else None
                if position is None:
                    row, column = self.row_number, self.column_number + 1
                else:
                    column, row = position
            self.column_number = column
            if self.cell_filled:
                self.row_filled = True
                self.cell_column = column
                if self.cell_column > MAX_COLUMN:
                    raise _refuse(
                        _(
                            "The sheet holds figures far to the right of any appendix (column %(column)s): nothing "
                            "was read."
                        )
                        % {"column": format_count(self.cell_column)},
                        self.sheet,
                    )
            if self.has_content:
                if self.cell_type == "inlineStr":
                    self.value = "".join(self.text_parts)
                style = self.cell_style
                self.measured.cells.append(
                    _raw_cell(
                        RawCell,
                        (
                            row,
                            column,
                            self.cell_type,
                            int(style) if style else 0,
                            self.value,
                            self.formula,
                            self.formula_attributes,
                        ),
                    )
                )
        elif name == "f":
            self.in_value = False
            self.formula = "".join(self.text_parts)
            self.text_parts = []
        elif name == "t":
            self.in_value = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "row" and self.row_filled:
            self.filled_rows += 1
            if self.filled_rows > MAX_FILLED_ROWS:
                raise _too_many_rows(self.sheet)


def _too_many_cells(sheet: str) -> ImportRefused:
    return _refuse(
        _("The workbook holds more than %(limit)s cells, far more than any appendix: nothing was read.")
        % {"limit": format_count(MAX_CELLS)},
        sheet,
    )


def _quick_count(archive: zipfile.ZipFile, member: str, sheet: str, count: _Count) -> None:
    """A first pass at the speed of decompression: the cell and row tags as Excel and openpyxl write them.

    It refuses the grossly oversized sheet in a fraction of the parser's time; the parser's count below stays the
    rule (it also sees tags written with a namespace prefix, and which cells and rows hold something)."""
    cells = rows = 0
    with archive.open(member) as stream:
        while chunk := stream.read(256 * 1024):
            cells += chunk.count(b"<c ") + chunk.count(b"<c>")
            rows += chunk.count(b"<row ") + chunk.count(b"<row>")
            if count.cells + cells > MAX_CELLS:
                raise _too_many_cells(sheet)
            if rows > MAX_ROW_ELEMENTS:
                raise _too_many_rows(sheet)


def _measure_sheet(archive: zipfile.ZipFile, member: str, sheet: str, count: _Count) -> MeasuredSheet:
    _quick_count(archive, member, sheet, count)
    counter = _SheetCounter(sheet, count)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.CharacterDataHandler = counter.text
    parser.buffer_text = True
    try:
        with archive.open(member) as stream:
            parser.ParseFile(stream)
    except expat.ExpatError as error:
        raise _refuse(
            _(
                "The file is damaged and cannot be opened as a workbook (%(detail)s). Export it again and redo the "
                "changes."
            )
            % {"detail": str(error)[:200]},
            sheet,
        ) from error
    return counter.measured


def _merged_area(reference: str) -> int:
    first, _sep, last = reference.partition(":")
    start, end = _parse_reference(first), _parse_reference(last or first)
    if start is None or end is None:
        return 0
    return (abs(end[0] - start[0]) + 1) * (abs(end[1] - start[1]) + 1)

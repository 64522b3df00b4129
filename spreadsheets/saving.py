"""Saving an exported workbook: openpyxl's own writer, with each sheet's cells serialised as text.

openpyxl (without lxml, as installed here) writes a cell by building an ElementTree element and serialising it
through its incremental writer: about two thirds of a national workbook's export went into writing its 12.000
cells so. Here every part of the file is still openpyxl's — the workbook, the styles, each sheet's properties, view,
columns, merges, print setup, footers and breaks — and only the cells inside `sheetData` are written as text, the
same text openpyxl writes (`tests/test_export_saving.py` compares the parts of the file with openpyxl's, byte for
byte). A cell this writer does not know how to write as text (rich text, a formula, a date) goes through openpyxl's
own cell writer.

A sheet's data rows — the thousands of cells of a national table — need not become openpyxl cells at all: a
`SheetBody` keeps them as values with their built styles, and they are written from there, after the sheet's
own cells (title and header) and merged with them where a range of the body is merged (its cells are then made
openpyxl cells first, so that openpyxl merges them as it always did).

What every export's workbook has in common is made once per process, never per export: its fonts, alignments and
the borders its merges add up are the same objects in every workbook, found in each by identity rather than hashed,
and its styles.xml is kept by the styles it is made of (_STYLESHEETS) — a one-province export spent nearly a third
of its time on these.
"""

import datetime
from decimal import Decimal
from io import BytesIO
from numbers import Number
from xml.etree.ElementTree import tostring as element_text
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell import Cell, MergedCell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles import Alignment, Border, Font, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import RowDimension, SheetDimension
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import (
    ARC_APP,
    ARC_CORE,
    ARC_ROOT_RELS,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    ARC_WORKBOOK_RELS,
)
from openpyxl.xml.functions import Element, SubElement, tostring

# Written where the rows go and replaced by them: markup cannot be written through the XML writer, and a text
# with neither "<" nor "&" is written as it is. Only the first occurrence is replaced: a sheet's text after its
# rows (a footer) cannot come before them.
_ROWS_MARK = "povertyplan-rows-c2f1d7a0"
_NUMBERS = (int, float, Decimal)  # exactly these types (not bool): openpyxl's type "n"


def keep_text(cell: Cell, value) -> Cell:
    """openpyxl takes any text starting with “=” for a formula, so a stored label such as “=HYPERLINK(…)” would
    become a live formula in the official's Excel. Text stays text."""
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


class SheetBody:
    """A sheet's data rows from `first_row` down, one row after another: each cell a value and its built style
    (a `StyleArray` shared by the cells of that style, never changed), or an openpyxl cell where the value is not
    plain text or a number (rich text, a date)."""

    def __init__(self, ws: Worksheet, first_row: int):
        self.ws = ws
        self.first_row = first_row
        self.rows: list[list[tuple | Cell]] = []  # a plain cell: (column, value, openpyxl's data type, style)
        self.heights: dict[int, float] = {}  # sheet row → height in points, where set
        self._scratch = Cell(ws)  # types a text as openpyxl does (checked, "=…" and "#N/A" recognised)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def append(self, values: list, styles: list[StyleArray]) -> int:
        """Add a row of cells, the values from column A; returns its sheet row. Text stays text: openpyxl would
        take a label starting with “=” for a formula (a stored “=HYPERLINK(…)” would be live in Excel)."""
        row = self.first_row + len(self.rows)
        entries = []
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            if value is None or type(value) in _NUMBERS:
                entries.append((column, value, "n", style))
                continue
            scratch = self._scratch
            scratch.value = value
            keep_text(scratch, value)
            if type(scratch._value) is str:
                entries.append((column, scratch._value, scratch.data_type, style))
                continue
            entries.append(keep_text(Cell(self.ws, row=row, column=column, value=value, style_array=style), value))
        self.rows.append(entries)
        return row

    def height(self, row: int) -> float | None:
        return self.heights.get(row)

    def as_cells(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        """Make the body's cells in this range openpyxl cells of the sheet (before they are merged: openpyxl
        merges cells it holds), where the sheet holds none yet; on saving, the sheet's cells take the place of the
        body's."""
        for row in range(min_row, max_row + 1):
            for entry in self.rows[row - self.first_row][min_col - 1 : max_col]:
                if (row, entry[0] if type(entry) is tuple else entry.column) in self.ws._cells:
                    continue
                if isinstance(entry, Cell):
                    cell = entry
                else:
                    column, value, data_type, style = entry
                    cell = Cell(self.ws, row=row, column=column, style_array=style)
                    cell._value, cell.data_type = value, data_type
                self.ws._cells[(row, cell.column)] = cell


# The borders openpyxl makes when merging — a cell's border plus sides of the range's — by the identity of the two
# it adds: objects of a workbook's list of borders (openpyxl's default, the export's constants, earlier sums, all kept
# here and never changed). Two borders add up to the same in every workbook, so each sum is made once per process,
# not once per export. Emptied when full (a border made anew for each workbook would be kept for ever): what is in
# use is kept again at its next use.
_MERGED_BORDERS: dict[tuple[int, int, str], tuple[Border, Border, Border]] = {}
_MERGED_BORDERS_KEPT = 64


def _merged_border(border: Border, source: Border, part: str) -> Border:
    """`border` plus the right and bottom sides of `source` (`part` "corner": what MergedCellRange gives its top-left
    cell from the bottom-right one), or plus its side `part` (what MergedCellRange.format gives an edge's cells)."""
    kept = _MERGED_BORDERS.get((id(border), id(source), part))
    if kept is not None:
        return kept[2]
    sides = {"right": source.right, "bottom": source.bottom} if part == "corner" else {part: getattr(source, part)}
    total = border + Border(**sides)
    if total == border:
        total = border  # the same object: the workbook finds it at once (an equal one is compared field by field)
    if len(_MERGED_BORDERS) >= _MERGED_BORDERS_KEPT:
        _MERGED_BORDERS.clear()
    _MERGED_BORDERS[id(border), id(source), part] = (border, source, total)
    return total


# The first alignment and protection of every workbook (openpyxl makes equal ones for each): the same objects in
# every export's workbook, so that its stylesheet can be known by the identity of what is in it (_STYLESHEETS).
_NO_ALIGNMENT, _NO_PROTECTION = Alignment(), Protection()

# A workbook's styles.xml, by what it is made of: the identity of each font, fill, border, alignment and protection in
# the workbook's lists (objects made once per process — openpyxl's defaults, the export's constants, the borders of
# _MERGED_BORDERS — kept here with the file, so that no other object can take their identity, and never changed), its
# number formats and its cells' style arrays. A one-province export's workbook has the styles of every other
# one-province export: writing the stylesheet was a tenth of its time. Nothing a write changes is in it but which
# styles the cells use, and those are the key. Emptied when full, as _MERGED_BORDERS.
_STYLESHEETS: dict[tuple, tuple[list, bytes]] = {}
_STYLESHEETS_KEPT = 32


class ExportWorkbook(Workbook):
    """An openpyxl workbook whose sheets may keep their data rows in a `SheetBody`; `save` writes them."""

    def __init__(self):
        # Without the empty sheet openpyxl starts a workbook with, which the export removed at once: making a sheet
        # (its page setup, margins, views, header and footer objects) costs about 0,3 ms. `write_only` decides only
        # that in Workbook.__init__; the workbook is an ordinary one after it.
        super().__init__(write_only=True)
        self._Workbook__write_only = False
        self._alignments = IndexedList([_NO_ALIGNMENT])
        self._protections = IndexedList([_NO_PROTECTION])
        # The named, table and differential styles as Workbook.__init__ made them (stylesheet_key).
        self._made = (self._named_styles, list(self._named_styles), self._table_styles, self._differential_styles)
        self.bodies: dict[Worksheet, SheetBody] = {}
        self.file_name = ""  # the name a download suggests (spreadsheets.export.workbook_filename)
        self._styles: dict[tuple, tuple] = {}  # (ids of its font, alignment, border; number format) → (…, array)
        self._indexes: dict[int, tuple[object, int]] = {}  # id of a style object → (it, its index in its list)
        self._edges: dict[int, list] = {}  # a border id → the edges of a merged range it borders (_bordered_edges)

    def _registered(self, collection: IndexedList, value) -> int:
        """`collection.add(value)` — the index of a font, alignment or border in the workbook's list of them, added
        when new — remembered by the value's identity: openpyxl hashes a style object each time it is set on a cell,
        walking all its fields, and compares it field by field with an equal one. The value is kept with its index,
        so that its identity cannot pass to another object while the workbook lives."""
        found = self._indexes.get(id(value))
        if found is None:
            found = self._indexes[id(value)] = (value, collection.add(value))
        return found[1]

    def style(
        self, font: Font, alignment: Alignment, border: Border | None = None, number_format: str = ""
    ) -> StyleArray:
        """The style of a cell with this font, alignment, border and number format — objects made once per process
        (spreadsheets.export's constants) — added to the workbook's styles the first time it is asked for, as setting
        them on a cell would: the same ids. Shared: a caller that changes it takes a copy (a merge changes the border
        of the cells it spans)."""
        key = (id(font), id(alignment), id(border), number_format)
        found = self._styles.get(key)
        if found is None:
            array = StyleArray()
            array.fontId = self._registered(self._fonts, font)
            array.alignmentId = self._registered(self._alignments, alignment)
            if border is not None:
                array.borderId = self._registered(self._borders, border)
            if number_format:
                # As openpyxl's NumberFormatDescriptor: a built-in format by its number, another added after them.
                format_id = BUILTIN_FORMATS_REVERSE.get(number_format)
                if format_id is None:
                    format_id = self._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
                array.numFmtId = format_id
            found = self._styles[key] = (font, alignment, border, array)  # the objects kept, as in _registered
        return found[3]

    def merge(self, ws: Worksheet, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        """`ws.merge_cells(…)`, with the same result — the same merged cells, borders and protection under the same
        style ids — at a fraction of its cost (a third of a one-province export went into its 11 merges): the range is
        built from its bounds rather than parsed from a coordinate, and each border openpyxl makes by adding two
        Borders is made once per process (_merged_border) and found in the workbook by its identity."""
        merged = MergedCellRange.__new__(MergedCellRange)  # not __init__: it parses a coordinate, then sums borders
        CellRange.__init__(merged, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
        merged.ws = ws
        cells, borders = ws._cells, self._borders
        start = cells.get((min_row, min_col))
        if start is None:
            start = ws.cell(row=min_row, column=min_col)
        merged.start_cell = start
        if start._style is None:
            start._style = StyleArray()
        style = start._style
        # MergedCellRange._get_borders(): the top-left cell takes the bottom-right one's right and bottom sides.
        end = cells.get((max_row, max_col))
        if end is not None:
            end_border = borders[end._style.borderId if end._style is not None else 0]
            style.borderId = self._registered(borders, _merged_border(borders[style.borderId], end_border, "corner"))
        ws.merged_cells.add(merged)
        # Worksheet._clean_merge_range(): every other cell of the range becomes a MergedCell …
        for row in range(min_row, max_row + 1):
            for column in range(min_col, max_col + 1):
                if row != min_row or column != min_col:
                    cells[row, column] = MergedCell(ws, row, column)
        # … then MergedCellRange.format(): each edge's cells take that side of the top-left cell's border, edge after
        # edge (the order in which openpyxl adds the borders it makes to the workbook) …
        for edge in ("top", "left", "right", "bottom"):
            if edge not in self._bordered_edges(style.borderId):
                continue
            source = borders[style.borderId]
            for coord in getattr(merged, edge):
                cell = cells[coord]
                if cell._style is None:
                    cell._style = StyleArray()
                total = _merged_border(borders[cell._style.borderId], source, edge)
                cell._style.borderId = self._registered(borders, total)
        # … and every cell the top-left cell's protection: an equal copy, so the same protection id.
        for row in range(min_row, max_row + 1):
            for column in range(min_col, max_col + 1):
                cell = cells[row, column]
                if cell._style is None:
                    cell._style = StyleArray()
                cell._style.protectionId = style.protectionId

    def _bordered_edges(self, border_id: int) -> list[str]:
        """The edges of a merged range whose top-left cell has this border that take a side of it
        (MergedCellRange.format skips a side without a style), for each border id once."""
        if border_id not in self._edges:
            border = self._borders[border_id]
            self._edges[border_id] = [
                edge
                for edge in ("top", "left", "right", "bottom")
                if not (getattr(border, edge) and getattr(border, edge).style is None)
            ]
        return self._edges[border_id]

    def stylesheet_key(self) -> tuple | None:
        """What the workbook's stylesheet is made of (see _STYLESHEETS); None when it has named, table or
        differential styles or colours other than those every workbook starts with."""
        named, named_styles, table_styles, differential_styles = self._made
        if (
            self._named_styles is not named
            or list(self._named_styles) != named_styles
            or self._table_styles is not table_styles
            or table_styles.tableStyle
            or self._differential_styles is not differential_styles
            or differential_styles.styles
            or self._colors is not COLOR_INDEX
        ):
            return None
        lists = (self._fonts, self._fills, self._borders, self._alignments, self._protections)
        return (
            *(tuple(map(id, objects)) for objects in lists),
            tuple(self._number_formats),
            tuple(map(tuple, self._cell_styles)),
        )

    def body(self, ws: Worksheet, first_row: int) -> SheetBody:
        self.bodies[ws] = SheetBody(ws, first_row)
        return self.bodies[ws]

    def save(self, filename) -> None:
        save_workbook(self, filename)


def save_workbook(workbook: Workbook, output) -> None:
    """`workbook.save(output)`, the cells written as text: a path or a binary file object."""
    archive = ZipFile(output, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(workbook, archive).save()


class _ExcelWriter(ExcelWriter):
    def write_data(self):
        # As ExcelWriter.write_data, the stylesheet of an ExportWorkbook written once per process (_STYLESHEETS).
        if len(self.workbook.custom_doc_props) >= 1:
            return super().write_data()  # custom properties: openpyxl's own writing, as it is
        archive = self._archive
        archive.writestr(ARC_APP, tostring(ExtendedProperties().to_tree()))
        archive.writestr(ARC_CORE, tostring(self.workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, self.workbook.loaded_theme or theme_xml)
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        self._write_external_links()
        archive.writestr(ARC_STYLE, _stylesheet(self.workbook))
        writer = WorkbookWriter(self.workbook)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self._merge_vba()
        self.manifest._write(archive, self.workbook)

    def write_worksheet(self, ws):
        # As ExcelWriter.write_worksheet for a workbook in normal mode, in memory rather than through a temporary file.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels
        head, tail = writer.out.getvalue().split(_ROWS_MARK.encode(), 1)
        self._archive.writestr(ws.path[1:], b"".join([head, writer.rows_xml(), tail]))
        self.manifest.append(ws)


def _stylesheet(workbook: Workbook) -> bytes:
    """The workbook's styles.xml, as openpyxl writes it."""
    key = workbook.stylesheet_key() if isinstance(workbook, ExportWorkbook) else None
    kept = _STYLESHEETS.get(key) if key is not None else None
    if kept is not None:
        return kept[1]
    xml = tostring(write_stylesheet(workbook))
    if key is not None:
        if len(_STYLESHEETS) >= _STYLESHEETS_KEPT:
            _STYLESHEETS.clear()
        objects = [
            *workbook._fonts,
            *workbook._fills,
            *workbook._borders,
            *workbook._alignments,
            *workbook._protections,
        ]
        _STYLESHEETS[key] = (objects, xml)
    return xml


def _escape(text: str) -> str:
    """A text node as the XML writer escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(value: str) -> str:
    return _escape(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


class _Collector:
    """What openpyxl's cell writer writes, as text."""

    def __init__(self, parts: list[str]):
        self.parts = parts

    def write(self, element) -> None:
        self.parts.append(element_text(element, encoding="unicode"))


class _SheetWriter(WorksheetWriter):
    def __init__(self, ws, out=None):
        workbook = ws.parent
        self.body = workbook.bodies.get(ws) if isinstance(workbook, ExportWorkbook) else None
        super().__init__(ws, out)

    def write_dimensions(self):
        if self.body is None or not self.body.rows:
            return super().write_dimensions()
        # The sheet's range with its body, as openpyxl would reckon it were the body's cells the sheet's.
        rows = {row for row, _column in self.ws._cells} | {self.body.first_row, self.body.last_row}
        columns = {column for _row, column in self.ws._cells} | {1, self.body.width}
        reference = f"{get_column_letter(min(columns))}{min(rows)}:{get_column_letter(max(columns))}{max(rows)}"
        self.xf.send(SheetDimension(reference).to_tree())

    def write_merged_cells(self):
        # As WorksheetWriter.write_merged_cells, the element built from the ranges themselves: openpyxl parsed each
        # range's coordinate back into a MergeCell, then serialised those field by field.
        ranges = self.ws.merged_cells
        if ranges:
            element = Element("mergeCells", {"count": str(len(ranges.ranges))})
            for merged in ranges:
                SubElement(element, "mergeCell", {"ref": str(merged)})
            self.xf.send(element)

    def write_rows(self):
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            xf.write(_ROWS_MARK)
        self.xf.send(None)

    def _all_rows(self):
        """(sheet row, its cells and body entries by column) of every row, top to bottom."""
        rows = dict(self.rows())
        body = self.body
        if body is None or not body.rows:
            return rows.items()
        ordered = []
        for index in sorted(rows.keys() | set(range(body.first_row, body.last_row + 1))):
            cells = rows.get(index)
            if not body.first_row <= index <= body.last_row:
                ordered.append((index, cells))
                continue
            entries = body.rows[index - body.first_row]
            if cells:  # a merged range of the body: the sheet's own cells take the body's place
                by_column = {entry[0] if type(entry) is tuple else entry.column: entry for entry in entries}
                by_column.update((cell.column, cell) for cell in cells)
                entries = [by_column[column] for column in sorted(by_column)]
            ordered.append((index, entries))
        return ordered

    def _row_attributes(self, index: int) -> str:
        dimension = self.ws.row_dimensions.get(index)
        if dimension is None and self.body is not None and self.body.height(index) is not None:
            dimension = RowDimension(self.ws, index=index, ht=self.body.height(index))
        return "".join(f' {key}="{_escape_attribute(value)}"' for key, value in dimension or ())

    def rows_xml(self) -> bytes:
        """The rows as WorksheetWriter.write_rows writes them (openpyxl.cell._writer.etree_write_cell)."""
        parts: list[str] = []
        append = parts.append
        collector = _Collector(parts)
        ws = self.ws
        cell_styles = ws.parent._cell_styles
        shared_styles: dict[int, int] = {}  # id of a body style → its index (the body's styles are shared)
        for row_index, cells in self._all_rows():
            append(f'<row r="{row_index}"{self._row_attributes(row_index)}>')
            for cell in cells:
                if type(cell) is tuple:
                    column, value, data_type, style = cell
                    styled = any(style)
                    if value is None and not styled:
                        continue
                    style_id = shared_styles.get(id(style))
                    if style_id is None:
                        style_id = shared_styles[id(style)] = cell_styles.add(style)
                else:
                    if cell._comment is not None:
                        ws._comments.append(CommentRecord.from_cell(cell))
                    value, data_type, style = cell._value, cell.data_type, cell._style
                    styled = style is not None and any(style)
                    if value is None and not styled and cell._comment is None:
                        continue
                    plain = data_type in ("n", "b", "e") or (data_type == "s" and isinstance(value, str))
                    if not plain or cell.hyperlink is not None:
                        etree_write_cell(collector, ws, cell, styled)
                        continue
                    column = cell.column
                    style_id = cell_styles.add(style) if styled else None
                start = f'<c r="{get_column_letter(column)}{row_index}"'
                if styled:
                    start += f' s="{style_id}"'
                if data_type == "s":
                    if value == "":
                        append(f'{start} t="inlineStr" />')
                        continue
                    stripped = value.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != value else ""
                    append(f'{start} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
                elif value is None:
                    append(f'{start} t="{data_type}" />')
                else:
                    if type(value) is int:
                        text = f"{value:.16g}"  # safe_string's "%.16g" without its checks: never NaN or infinite
                    elif isinstance(value, Number):
                        text = safe_string(value)
                    else:
                        text = _escape(str(value))
                    # An empty text (a NaN) closes the element at once, as the XML writer does.
                    content = f"<v>{text}</v>" if text else "<v />"
                    append(f'{start} t="{data_type}">{content}</c>')
            append("</row>")
        return "".join(parts).encode("utf-8", "xmlcharrefreplace")

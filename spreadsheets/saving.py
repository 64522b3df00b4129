"""Saving an exported workbook: openpyxl's own writer, with each sheet's cells serialised as text.

openpyxl (without lxml, as installed here) writes a cell by building an ElementTree element and serialising it
through its incremental writer: about two thirds of a national workbook's export went into writing its 12.000
cells so. Here every part of the file is still openpyxl's — the workbook, the styles, each sheet's properties, view,
columns, merges, print setup, footers and breaks — and only the cells inside `sheetData` are written as text, the
same text openpyxl writes (`tests/test_export_saving.py` compares the parts of the file with openpyxl's, byte for
byte). A cell this writer does not know how to write as text (rich text, a formula, a date) goes through openpyxl's
own cell writer.
"""

import datetime
from io import BytesIO
from numbers import Number
from xml.etree.ElementTree import tostring
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell._writer import etree_write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

# Written where the rows go and replaced by them: markup cannot be written through the XML writer, and a text
# with neither "<" nor "&" is written as it is. Only the first occurrence is replaced: a sheet's text after its
# rows (a footer) cannot come before them.
_ROWS_MARK = "povertyplan-rows-c2f1d7a0"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}space"


def save_workbook(workbook: Workbook, output) -> None:
    """`workbook.save(output)`, the cells written as text: a path or a binary file object."""
    archive = ZipFile(output, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(workbook, archive).save()


class _ExcelWriter(ExcelWriter):
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
    return (
        _escape(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")
    )


class _Collector:
    """What openpyxl's cell writer writes, as text."""

    def __init__(self, parts: list[str]):
        self.parts = parts

    def write(self, element) -> None:
        self.parts.append(tostring(element, encoding="unicode"))


class _SheetWriter(WorksheetWriter):
    def write_rows(self):
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            xf.write(_ROWS_MARK)
        self.xf.send(None)

    def rows_xml(self) -> bytes:
        """The rows as WorksheetWriter.write_rows writes them (openpyxl.cell._writer.etree_write_cell)."""
        parts: list[str] = []
        append = parts.append
        collector = _Collector(parts)
        ws = self.ws
        cell_styles = ws.parent._cell_styles
        dimensions = ws.row_dimensions
        for row_index, cells in self.rows():
            attributes = "".join(
                f' {key}="{_escape_attribute(value)}"' for key, value in dimensions.get(row_index, ())
            )
            append(f'<row r="{row_index}"{attributes}>')
            for cell in cells:
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
                column = get_column_letter(cell.column)
                start = f'<c r="{column}{row_index}"'
                if styled:
                    start += f' s="{cell_styles.add(style)}"'
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
                    text = safe_string(value) if isinstance(value, Number) else _escape(str(value))
                    # An empty text (a NaN) closes the element at once, as the XML writer does.
                    append(f'{start} t="{data_type}"><v>{text}</v></c>' if text else f'{start} t="{data_type}"><v /></c>')
            append("</row>")
        return "".join(parts).encode("utf-8", "xmlcharrefreplace")


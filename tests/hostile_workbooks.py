"""Workbooks built to hurt an import: a sheet that declares one size and holds another (issue 13's adversarial run).

Each takes a real export and rewrites its first worksheet's XML inside the zip, so everything else about the file
is genuine. Used by tests/test_hostile_workbooks.py, in the test process and in a child under a memory limit.
"""

import io
import re
import zipfile

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == SHEET:
                content = change(content)
            archive.writestr(item.filename, content)
    return buffer.getvalue()


def _small_dimension(xml: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C10"/>', xml, count=1)


def _before_sheet_data_end(xml: bytes, extra: bytes) -> bytes:
    return _small_dimension(xml.replace(b"</sheetData>", extra + b"</sheetData>", 1))


def one_styled_cell_at_the_last_row(data: bytes) -> bytes:
    """8 KB of workbook whose sheet says A1:C10 but holds one formatted empty cell at A1048576."""
    return _rewrite(data, lambda xml: _before_sheet_data_end(xml, b'<row r="1048576"><c r="A1048576" s="1"/></row>'))


def many_styled_empty_cells(data: bytes, count: int = 12_000) -> bytes:
    """About 230 KB of empty formatted cells spread down to the last row and across to column XFD."""
    step = 1_048_576 // count
    rows = b"".join(b'<row r="%d"><c r="XFD%d" s="1"/></row>' % (row, row) for row in range(1000, 1_048_576, step))
    return _rewrite(data, lambda xml: _before_sheet_data_end(xml, rows))


def filled_rows_under_a_small_dimension(data: bytes, count: int = 25_000) -> bytes:
    """25.000 filled rows below the table while the sheet declares ten."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d"><v>1</v></c></row>' % (row, row, row, row)
        for row in range(1000, 1000 + count)
    )
    return _rewrite(data, lambda xml: _before_sheet_data_end(xml, rows))


def too_many_empty_cells(data: bytes, count: int = 500_000) -> bytes:
    """Half a million formatted empty cells: more cells present than any appendix holds."""
    per_row = 100
    rows = b"".join(
        b'<row r="%d">' % row
        + b"".join(b'<c r="%s%d" s="1"/>' % (_letters(c), row) for c in range(1, per_row + 1))
        + b"</row>"
        for row in range(1000, 1000 + count // per_row)
    )
    return _rewrite(data, lambda xml: _before_sheet_data_end(xml, rows))


def merge_over_a_whole_column(data: bytes) -> bytes:
    """One merged range from row 20 to the last row: openpyxl would make a million merged-cell objects."""

    def change(xml: bytes) -> bytes:
        xml = _small_dimension(xml)
        merge = b'<mergeCell ref="C20:C1048576"/>'
        if b"<mergeCells" in xml:
            return re.sub(rb"<mergeCells[^>]*>", lambda m: m.group(0) + merge, xml, count=1)
        return xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merge + b"</mergeCells>", 1)

    return _rewrite(data, change)


def _letters(number: int) -> bytes:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters.encode()


ACCEPTED = {
    "one_styled_cell_at_the_last_row": one_styled_cell_at_the_last_row,
    "many_styled_empty_cells": many_styled_empty_cells,
}
REFUSED = {
    "filled_rows_under_a_small_dimension": (filled_rows_under_a_small_dimension, "has more than 20,000 rows"),
    "too_many_empty_cells": (too_many_empty_cells, "holds more than 400,000 cells"),
    "merge_over_a_whole_column": (merge_over_a_whole_column, "merges more cells than any appendix"),
}

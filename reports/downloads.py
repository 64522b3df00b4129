"""Downloads of exactly what a table page shows: CSV and a small Excel workbook, the same rows in the same order.

Both write figures as numbers, not as the page's Vietnamese text: "29.822" and "3,17" in a CSV are read as 29,822
thousandths and as text by a spreadsheet in an English locale. A CSV carries no locale, so it is written the way
every spreadsheet parses it: UTF-8 with a byte-order mark (Excel then reads the Vietnamese text right), cells
separated by ";" (Excel's separator wherever "," is the decimal point — as in Vietnamese — and read by the others
when they detect it) and figures as plain numbers with "." as the decimal point (29822, 3.17).

These are not the appendix workbooks (spreadsheets.export: the official layout, for import and handing in): they
are a view of one page, one header row, the page's columns.
"""

import csv
from decimal import Decimal
from io import BytesIO, StringIO

from openpyxl import Workbook
from openpyxl.styles import Font

from kernel.numbers import decimal_places, rate_places

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_number(value) -> str:
    """A figure as every spreadsheet reads it: 29822, 3.17 — no grouping, "." as the decimal point."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _text_cell(text) -> str:
    """Text as a spreadsheet will open it: text it would run as a formula (a label “=HYPERLINK(…)” entered in the
    admin) gets a leading apostrophe, so it shows as the text it is."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_cell(value) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return plain_number(value)
    return _text_cell(value)


def table_csv(rows: list[list]) -> str:
    """The rows (the first one the header) as CSV text, with its byte-order mark."""
    out = StringIO()
    out.write("\ufeff")
    csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerows(
        [[_csv_cell(cell) for cell in row] for row in rows]
    )
    return out.getvalue()


def table_xlsx(rows: list[list], *, title: str, rate_columns: set[int] = frozenset()) -> bytes:
    """The rows as a one-sheet workbook: header row bold and frozen with the two label columns, figures as numbers
    (counts grouped, rates and values with the decimals the document printed, in the reader's own Excel format),
    text as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, values in zip(sheet.iter_rows(min_row=2), rows[1:], strict=False):
        for index, (cell, value) in enumerate(zip(row, values, strict=False)):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = _rate_format(value) if index in rate_columns else _measure_format(value)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 28
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rate_format(value) -> str:
    """A rate with the decimals the document printed it with: 1,2 → "0.0", 2,27 → "0.00"."""
    places = rate_places(value) if isinstance(value, Decimal) else 2
    return "0." + "0" * places if places else "0"


def _measure_format(value) -> str:
    """A count grouped ("#,##0"); a Decimal with the decimals it carries — an indicator value as printed: 9,7 →
    "#,##0.0", 60,68 → "#,##0.00", 100 → "#,##0"."""
    places = decimal_places(value) if isinstance(value, Decimal) else 0
    return "#,##0." + "0" * places if places else "#,##0"


def _xlsx_cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value is None:
        return None
    return _text_cell(value)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "Sheet")[:31]

"""The one export engine: any appendix, from its layout, as the official spreadsheet.

A sheet reads like the printed appendix — title lines, the attachment note, the multi-row header
with its merged year groups, STT and label columns, the total row in bold — and prints like it:
A4 landscape, fitted to the page width where that keeps the type at 8 pt or more (else whole years per
page at full size, STT and the name repeated), the header repeated on every page, each sheet numbering its
own pages, the data-check sheets after all appendices. Figures are numbers with number formats (never text),
so the reader's Excel shows 7.540 and 2,27 in their own locale — a rate with the decimals the document
printed it with (1,2).
"""

import functools
import math
from copy import copy
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from analysis.quality import TARGET_DIRECTION, Finding, check_appendices
from kernel.text import vietnamese_slug
from plan_tables.selectors import PlanTables, plan_tables
from plans.models import Appendix, Plan

from . import saving
from .layout import (
    FONT_NAME,
    Role,
    SheetColumn,
    SheetLayout,
    SheetRow,
    appendix_layout,
    exported_appendices,
    figure_format,
    findings_sheet_name,
    sheet_names,
)
from .versions import write_versions_sheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_IDENTIFIER_PREFIX = "povertyplan:"  # core property naming the plan, checked on import

TITLE_SIZE, TABLE_SIZE = 12, 11
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Characters of Times New Roman 11 pt a column-width unit holds. 1,3 — the average of Latin text — left Phụ lục 02's
# long indicator texts (Vietnamese, with its stacked diacritics and long words) 3 or 4 lines short in LibreOffice;
# with the lines wrapped word by word, as the reader wraps them, 1,15 leaves none cut.
_CHARS_PER_WIDTH_UNIT = 1.15
_POINTS_PER_LINE = {TITLE_SIZE: 16.5, TABLE_SIZE: 15.0}
FINDINGS_HEADER_ROW = 4
DATA_COLUMN_OFFSET = 3  # sheet column of a row's first value: after STT (A) and the label (B)


def appendices_to_export(plan: Plan, code: str | None = None, exported: list[Appendix] | None = None) -> list[Appendix]:
    """The plan's appendices in a workbook, or the one named by `code`; Appendix.DoesNotExist if none.

    `exported`: the plan's `exported_appendices`, when the caller has read them already."""
    exported = list(exported_appendices(plan)) if exported is None else exported
    chosen = [appendix for appendix in exported if code is None or appendix.code == code]
    if not chosen:  # a workbook needs at least one sheet
        raise Appendix.DoesNotExist(code or plan.slug)
    return chosen


def plan_workbook(plan: Plan, code: str | None = None) -> saving.ExportWorkbook:
    """Every exported appendix of the plan, one sheet each (or only the appendix `code`), with findings sheets.

    An appendix's data rows are kept in its sheet's body (spreadsheets.saving), not as openpyxl cells: they are in
    the file once the workbook is saved."""
    exported = list(exported_appendices(plan))
    appendices = appendices_to_export(plan, code, exported)
    names = sheet_names(plan, exported)
    # Read once, for the sheets and for the data-quality check of the findings sheets.
    tables = plan_tables(plan, appendices)
    findings = _findings_by_appendix(tables)
    workbook = saving.ExportWorkbook()
    workbook.file_name = workbook_filename(plan, code, names)
    workbook.properties.title = f"{plan.reference} — {plan.issuer}"
    workbook.properties.subject = plan.title[:250]
    workbook.properties.identifier = WORKBOOK_IDENTIFIER_PREFIX + plan.slug
    workbook.properties.creator = "povertyplan"
    layouts = [appendix_layout(appendix, names[appendix.code], tables) for appendix in appendices]
    for layout in layouts:
        write_sheet(workbook.create_sheet(layout.sheet_name), layout)
    # The data-quality findings after every appendix: the workbook printed whole reads as the document, then the
    # check (each sheet numbers its own pages).
    for layout in layouts:
        code = layout.appendix.code
        if findings.get(code):
            write_findings_sheet(workbook.create_sheet(findings_sheet_name(code)), layout, findings[code])
    # Last, hidden: what the file was made from, so that its import can tell a figure changed since (versions.py).
    write_versions_sheet(workbook, plan, appendices, tables)
    return workbook


def save_workbook(plan: Plan, output, code: str | None = None) -> saving.ExportWorkbook:
    """Write the workbook to a path or a binary file object (its cells written as text: spreadsheets.saving); the
    workbook written, for its `file_name`."""
    workbook = plan_workbook(plan, code)
    saving.save_workbook(workbook, str(output) if isinstance(output, Path) else output)
    return workbook


def workbook_bytes(plan: Plan, code: str | None = None) -> bytes:
    buffer = BytesIO()
    save_workbook(plan, buffer, code)
    return buffer.getvalue()


def workbook_filename(plan: Plan, code: str | None = None, names: dict[str, str] | None = None) -> str:
    """An ASCII file name: hung-yen-2023-2025.xlsx, hung-yen-2023-2025-phu-luc-01.xlsx. `names`: the sheet
    names, when the caller has them."""
    if code is None:
        return f"{plan.slug}.xlsx"
    name = (sheet_names(plan) if names is None else names).get(code, code)
    return f"{plan.slug}-{vietnamese_slug(name) or vietnamese_slug(code)}.xlsx"


def _findings_by_appendix(tables: PlanTables) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in check_appendices(tables):
        if finding.appendix_code:
            grouped.setdefault(finding.appendix_code, []).append(finding)
    return grouped


# --- the sheet ------------------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, column: int, value):
    """ws.cell(...) for values from the database, which stay what they are (saving.keep_text)."""
    return saving.keep_text(ws.cell(row=row, column=column, value=value), value)


# The export's fonts and alignments are made once per process and shared by every workbook (openpyxl never changes
# a style object once it is set: a cell's font is read through a proxy that refuses changes). A workbook finds an
# object it has been given before by its identity (saving.ExportWorkbook.style); a new equal object would cost
# openpyxl a hash and a comparison field by field.
@functools.cache
def _font(*, bold=False, italic=False, size=TABLE_SIZE) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


@functools.cache
def _alignment(horizontal: str, *, wrap=True, indent=0) -> Alignment:
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap or None, indent=indent)


def _lines(text, width: float) -> int:
    """How many lines wrapped text takes in a column `width` wide: row heights are set, not guessed by the reader."""
    per_line = max(1, int(width * _CHARS_PER_WIDTH_UNIT))
    return sum(_wrapped_lines(part, per_line) for part in str(text or "").split("\n"))


def _wrapped_lines(text: str, per_line: int) -> int:
    """Lines of `text` wrapped at word boundaries (a word longer than a line takes the lines it needs)."""
    lines, used = 1, 0
    for word in text.split():
        length = len(word)
        if used and used + 1 + length > per_line:
            lines, used = lines + 1, 0
        if used:
            used += 1
        while length > per_line:
            lines, length = lines + 1, length - per_line
        used += length
    return lines


def _height(lines: float, size: int = TABLE_SIZE) -> float | None:
    """The height of a row of `lines` lines, where it is more than one."""
    return round(math.ceil(lines) * _POINTS_PER_LINE[size] + 3, 1) if lines > 1 else None


def _set_height(ws: Worksheet, row: int, lines: float, size: int = TABLE_SIZE) -> None:
    if lines > 1:
        ws.row_dimensions[row].height = _height(lines, size)


def write_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    columns = layout.columns
    # The title lines span the first printed page's columns: across the whole of a table printed on several pages
    # side by side, their centred text would fall across the page break.
    first_page = [*layout.leading, *column_pages(layout)[0]]
    last_column = len(first_page)
    total_width = sum(column.width for column in first_page)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width

    row = 1
    for line in layout.title_lines:
        _write_title(ws, row, line, last_column, total_width, bold=True)
        row += 1
    if layout.note:
        _write_title(ws, row, layout.note, last_column, total_width, italic=True)
        row += 1
    if layout.standard_line:
        # In the blank row above the header: the table starts where it always did.
        _write_title(ws, row, layout.standard_line, last_column, total_width, italic=True)
    _write_header(ws, layout)
    row = layout.first_data_row
    ws.freeze_panes = f"C{row}"  # a coordinate, not ws.cell(): the data rows are appended after the header

    body = ws.parent.body(ws, row)
    merges, styles = _BlankMerger(body, layout), _CellStyles(ws, layout.columns)
    for sheet_row in layout.rows():
        row = _write_row(body, sheet_row, layout, styles)
        merges.feed(row, sheet_row)
    merges.close()
    _print_setup(ws, layout, body)


def _write_title(
    ws: Worksheet, row: int, text: str, last_column: int, width: float, *, bold=False, italic=False, size=TITLE_SIZE
) -> None:
    cell = _put(ws, row, 1, text)
    cell._style = copy(ws.parent.style(_font(bold=bold, italic=italic, size=size), _alignment("center")))
    ws.parent.merge(ws, row, 1, row, last_column)
    _set_height(ws, row, _lines(text, width * TABLE_SIZE / size), size)


def _header_cell(ws: Worksheet, row: int, column: int, text: str) -> None:
    # A copy: merging the header's cells changes their borders.
    _put(ws, row, column, text)._style = copy(ws.parent.style(_font(bold=True), _alignment("center"), BORDER))


def _write_header(ws: Worksheet, layout: SheetLayout) -> None:
    """One header row, or two where columns are grouped: the group merged across its columns, the rest merged down."""
    top = layout.header_row
    columns = layout.columns
    if not layout.has_groups:
        for index, column in enumerate(columns, start=1):
            _header_cell(ws, top, index, column.header)
        _set_height(ws, top, max(_lines(column.header, column.width) for column in columns))
        return
    bottom = top + 1
    top_lines, bottom_lines = [1.0], [1.0]
    index = 1
    while index <= len(columns):
        column = columns[index - 1]
        if not column.group:
            _header_cell(ws, top, index, column.header)
            _header_cell(ws, bottom, index, None)
            ws.parent.merge(ws, top, index, bottom, index)
            top_lines.append(_lines(column.header, column.width) / 2)
            index += 1
            continue
        span = 1
        while index + span <= len(columns) and columns[index + span - 1].group == column.group:
            span += 1
        for offset in range(span):
            member = columns[index + offset - 1]
            _header_cell(ws, top, index + offset, column.group if offset == 0 else None)
            _header_cell(ws, bottom, index + offset, member.header)
            bottom_lines.append(_lines(member.header, member.width))
        if span > 1:
            ws.parent.merge(ws, top, index, top, index + span - 1)
        top_lines.append(_lines(column.group, sum(columns[index + o - 1].width for o in range(span))))
        index += span
    _set_height(ws, top, max(top_lines))
    _set_height(ws, bottom, max(bottom_lines))


def _label_value(sheet_row: SheetRow, bold: bool):
    if not sheet_row.label_lead:
        return sheet_row.label
    # The document prints a group heading in bold before the first indicator of the group.
    lead = InlineFont(rFont=FONT_NAME, sz=TABLE_SIZE, b=True)
    rest = InlineFont(rFont=FONT_NAME, sz=TABLE_SIZE, b=bold)
    return CellRichText([TextBlock(lead, sheet_row.label_lead), TextBlock(rest, " " + sheet_row.label)])


def _number_value(text: str):
    # “1”, “2” … are stored as numbers (no “number stored as text” flags); other markings stay text.
    return int(text) if text.isdigit() else (text or None)


def _write_row(body: saving.SheetBody, sheet_row: SheetRow, layout: SheetLayout, styles: "_CellStyles") -> int:
    """Add the row to the sheet's body (the row after the last one written); returns its sheet row."""
    values = [_number_value(sheet_row.number), _label_value(sheet_row, sheet_row.bold), *sheet_row.values]
    lines = _lines(sheet_row.full_label, layout.leading[1].width)
    row_styles = []
    for index, (column, value) in enumerate(zip(styles.columns, values, strict=True)):
        if value == "":
            value = values[index] = None
        elif column.role == Role.TEXT and value:
            lines = max(lines, _lines(value, column.width))
        row_styles.append(styles.array(column, sheet_row.bold or column.bold, value))
    row = body.append(values, row_styles)
    if lines > 1:
        body.heights[row] = _height(lines)
    return row


class _CellStyles:
    """Each distinct style of a data cell, built once. Setting a font, border and alignment costs openpyxl a hash of
    each per cell (seconds for a national table), so the cells are created with a built style's array instead —
    as openpyxl itself copies styles into merged cells."""

    def __init__(self, ws: Worksheet, columns: list[SheetColumn]):
        self.ws = ws
        self.columns = columns
        self.arrays: dict[tuple, StyleArray] = {}

    def array(self, column: SheetColumn, bold: bool, value) -> StyleArray:
        number_format = ""
        if column.role == Role.FIGURE:  # a fixed format, or the value's own decimals (indicator measures)
            number_format = figure_format(column, value)
        key = (column.role, column.align, bold, number_format)
        if key not in self.arrays:
            if column.role == Role.FIGURE:
                alignment = _alignment("right", wrap=False)
            else:
                alignment = _alignment(column.align)
            self.arrays[key] = self.ws.parent.style(_font(bold=bold), alignment, BORDER, number_format)
        return self.arrays[key]


class _BlankMerger:
    """Merges a blank agency cell into the one above while the group (rows without a number) goes on."""

    def __init__(self, body: saving.SheetBody, layout: SheetLayout):
        self.body = body
        self.columns = [index for index, column in enumerate(layout.columns, start=1) if column.continues_blank]
        self.open: dict[int, tuple[int, int]] = {}  # sheet column → (first row, last row)

    def feed(self, row: int, sheet_row: SheetRow) -> None:
        for index in self.columns:
            value = sheet_row.values[index - DATA_COLUMN_OFFSET]
            current = self.open.get(index)
            if not value and not sheet_row.starts_group and current:
                self.open[index] = (current[0], row)
                continue
            self._merge(index)
            if value:
                self.open[index] = (row, row)

    def _merge(self, index: int) -> None:
        first, last = self.open.pop(index, (0, 0))
        if last > first:
            self.body.as_cells(first, index, last, index)
            self.body.ws.parent.merge(self.body.ws, first, index, last, index)

    def close(self) -> None:
        for index in self.columns:
            self._merge(index)


# What one A4 landscape page (0,4" side margins) holds at 100 %, in column-width units. Reckoned at 7 px a unit it
# would be 149; LibreOffice printed Hưng Yên's Phụ lục 01 (197 units) fitted to the width at about 60 % (issue 14),
# so a page holds about 118: the measured figure, not the reckoned one, decides how many years go on a page.
_MARGIN_INCHES = 0.4
_PAGE_WIDTH_UNITS = 118
_PADDING_UNITS = 5 / 7
# Fitted to the page width, a table may shrink to this scale and no further: 11 pt type printed at 73 % is 8 pt,
# the smallest an official reads comfortably. A wider table prints its year groups across several pages instead.
MIN_FIT_SCALE = 73


def _printed_width(columns: list[SheetColumn]) -> float:
    return sum(column.width + _PADDING_UNITS for column in columns)


def column_pages(layout: SheetLayout) -> list[list[SheetColumn]]:
    """The data columns in printed pages, whole column groups (a year) together, STT and the name repeated on each:
    one page when the table fits at `MIN_FIT_SCALE` or more, else as many groups per page as fit at 100 %."""
    leading = _printed_width(layout.leading)
    if (leading + _printed_width(layout.data_columns)) * MIN_FIT_SCALE / 100 <= _PAGE_WIDTH_UNITS:
        return [layout.data_columns]
    groups: list[list[SheetColumn]] = []
    for column in layout.data_columns:
        if groups and column.group and groups[-1][0].group == column.group:
            groups[-1].append(column)
        else:
            groups.append([column])
    pages: list[list[SheetColumn]] = [[]]
    for group in groups:
        if pages[-1] and leading + _printed_width(pages[-1] + group) > _PAGE_WIDTH_UNITS:
            pages.append([])
        pages[-1].extend(group)
    return pages


# The height a printed A4 landscape page gives the rows (8,27 in less the 0,6 in margins), kept 10 % short of it:
# the row breaks below are then the only ones Excel and LibreOffice make, whatever their own rounding of heights.
_PAGE_HEIGHT_POINTS = (8.27 - 2 * 0.6) * 72 * 0.9


def _row_height(ws: Worksheet, row: int, body: saving.SheetBody | None = None) -> float:
    if body is not None and body.first_row <= row <= body.last_row:
        return body.height(row) or _POINTS_PER_LINE[TABLE_SIZE] + 3
    return ws.row_dimensions[row].height or _POINTS_PER_LINE[TABLE_SIZE] + 3


def _fitted_scale(columns: list[SheetColumn]) -> float:
    """The scale a sheet of these columns prints at when fitted to the page's width (at most 1)."""
    return min(1.0, _PAGE_WIDTH_UNITS / _printed_width(columns))


def _row_pages(
    ws: Worksheet, last_row: int, title_rows: range, scale: float = 1.0, body: saving.SheetBody | None = None
) -> int:
    """Break the rows into pages that hold what fits at `scale` (the title rows repeated on each), and count them: the
    number of pages down is then the export's, not the spreadsheet application's."""
    limit = _PAGE_HEIGHT_POINTS / scale
    repeated = sum(_row_height(ws, row, body) for row in title_rows)
    used, pages = 0.0, 1
    for row in range(1, last_row + 1):
        height = _row_height(ws, row, body)
        if used + height > limit and row > title_rows.stop:
            ws.row_breaks.append(Break(id=row - 1))  # a break after the page's last row
            pages += 1
            used = repeated
        used += height
    return pages


def _page_footer(ws: Worksheet, name: str, pages: int) -> None:
    """“Phụ lục 01 – trang 2/3” at the foot of each page; every sheet numbers its own pages from 1, so that the
    workbook printed whole does not number the data check on from the appendices. The total is the sheet's own page
    count, written as a number (its explicit breaks fix it): the footer code for it (&N) counts the whole workbook in
    LibreOffice (“1/7” on a sheet of three pages)."""
    ws.oddFooter.center.text = _("%(sheet)s – page %(page)s of %(pages)s") % {
        "sheet": name,
        "page": "&P",
        "pages": pages,
    }
    ws.oddFooter.center.font = FONT_NAME
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True


def _print_setup(ws: Worksheet, layout: SheetLayout, body: saving.SheetBody) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    pages = column_pages(layout)
    if len(pages) == 1:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the table needs
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        # Phụ lục 01 of Hưng Yên (15 figures) fitted to one page printed at 60 %, 6,6 pt: instead, whole years per
        # page at full size, STT and the name repeated on each, page breaks between the year groups.
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
        ws.print_title_cols = "A:B"
        first = DATA_COLUMN_OFFSET
        for page in pages[:-1]:
            first += len(page)
            ws.col_breaks.append(Break(id=first - 1))  # a break after the page's last column
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(
        left=_MARGIN_INCHES, right=_MARGIN_INCHES, top=0.6, bottom=0.6, header=0.3, footer=0.3
    )
    last_header_row = layout.first_data_row - 1
    last_row = max(ws.max_row, body.last_row, last_header_row)
    ws.print_title_rows = f"{layout.header_row}:{last_header_row}"
    ws.print_area = f"A1:{get_column_letter(len(layout.columns))}{last_row}"
    scale = _fitted_scale(layout.columns) if len(pages) == 1 else 1.0
    down = _row_pages(ws, last_row, range(layout.header_row, last_header_row + 1), scale, body)
    _page_footer(ws, layout.sheet_name, len(pages) * down)


# --- the findings of the data-quality check, next to the table they concern -----------------------


def _findings_sections(findings: list[Finding]) -> list[tuple[tuple[str, str, str], list[Finding]]]:
    """The findings in sections whose headers say what the three figures are: a recomputed figure beside the
    published one, or a target beside the previous year's (a direction finding compares, it does not recompute)."""
    recomputed = [finding for finding in findings if finding.rule != TARGET_DIRECTION]
    direction = [finding for finding in findings if finding.rule == TARGET_DIRECTION]
    sections = []
    if recomputed:
        sections.append(((_("Published"), _("Computed"), _("Difference")), recomputed))
    if direction:
        sections.append(((_("This year"), _("Previous year"), _("Change")), direction))
    return sections


def write_findings_sheet(ws: Worksheet, layout: SheetLayout, findings: list[Finding]) -> None:
    # The figures right-aligned against the finding's text: a gap (indent) keeps “-9” from running into it.
    columns = [
        SheetColumn(header=_("Row"), role=Role.TEXT, width=22, align="general"),
        SheetColumn(header=_("Column"), role=Role.TEXT, width=34, align="general"),
        SheetColumn(header="", role=Role.FIGURE, width=12),
        SheetColumn(header="", role=Role.FIGURE, width=12),
        SheetColumn(header="", role=Role.FIGURE, width=12),
        SheetColumn(header=_("Finding"), role=Role.TEXT, width=60, align="left"),
    ]
    last_letter = get_column_letter(len(columns))
    total_width = sum(column.width for column in columns)
    title = _("Data-quality findings: %(table)s") % {"table": layout.sheet_name}
    _write_title(ws, 1, title, len(columns), total_width, bold=True)
    note = _("The figures are kept as published; these differences are for review, not corrections.")
    _write_title(ws, 2, note, len(columns), total_width, italic=True, size=TABLE_SIZE)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    styles = _CellStyles(ws, columns)
    row = FINDINGS_HEADER_ROW
    first_header = row
    for figure_headers, section in _findings_sections(findings):
        headers = [columns[0].header, columns[1].header, *figure_headers, columns[5].header]
        for index, header in enumerate(headers, start=1):
            _header_cell(ws, row, index, header)
        row += 1
        for finding in section:
            values = [
                finding.row,
                finding.column,
                finding.published,
                finding.computed,
                finding.difference,
                finding.message,
            ]
            lines = 1
            for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
                cell = _put(ws, row, index, value)
                cell._style = copy(styles.array(column, False, value))
                if column.role == Role.TEXT:
                    cell.alignment = _alignment(column.align, indent=1 if index == 6 else 0)
                    lines = max(lines, _lines(value, column.width))
            _set_height(ws, row, lines)
            row += 1
        row += 1  # a blank row between the sections
    ws.freeze_panes = ws.cell(row=first_header + 1, column=1)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{first_header}:{first_header}"
    last_row = max(row - 2, first_header)
    ws.print_area = f"A1:{last_letter}{last_row}"
    title_rows = range(first_header, first_header + 1)
    _page_footer(ws, ws.title, _row_pages(ws, last_row, title_rows, _fitted_scale(columns)))

"""Broken and hostile workbooks, built in memory when a test asks for them (nothing large is committed).

Each builder returns the bytes of an upload; those made from an export take the plan (a plan of districts
“Huyện Số 1”, … with a column “Năm 2023”, as tests/factories.py's make_household_plan builds it). The large ones
are built so that they stay small or cheap to make: the 1.000.000-row sheet is streamed into the zip, the zip
bomb is a stream of zeros.
"""

import io
import struct
import zipfile

from openpyxl import Workbook

from ..workbook_factory import edited, export, find_column, find_row, open_workbook, to_bytes

P01 = "Phụ lục 01"
DISTRICT = "Huyện Số 1"
HOUSEHOLDS = "Năm 2023 — Tổng số hộ dân cư"
POOR = "Năm 2023 — Tổng số hộ nghèo"
RATE = "Năm 2023 — Tỷ lệ hộ nghèo (%)"


def not_a_workbook() -> bytes:
    return "STT;Huyện\n1;Phù Cừ\n<script>alert(1)</script>\n".encode()


def empty_file() -> bytes:
    return b""


def pdf_named_xlsx() -> bytes:
    return b"%PDF-1.4\n" + b"0" * 500


def truncated_zip(plan) -> bytes:
    data = export(plan, "01")
    return data[: len(data) * 2 // 3]


def zip_with_garbage_members() -> bytes:
    """A zip that names the workbook parts, but whose XML is not XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
        archive.writestr("xl/workbook.xml", "\x00\x01\x02")
    return buffer.getvalue()


def zip_bomb(unpacked_megabytes: int = 200) -> bytes:
    """A workbook whose sheet unpacks to hundreds of megabytes of zeros (a few hundred kilobytes packed)."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(unpacked_megabytes):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip_bomb() -> bytes:
    """As zip_bomb, but the zip's headers claim the sheet unpacks to 1 kB: only reading it shows otherwise."""
    data = bytearray(zip_bomb(60))
    end = data.rfind(b"PK\x05\x06")  # the end of the central directory: where the directory starts, and its size
    entries, _size, central = struct.unpack_from("<HII", data, end + 10)
    for _ in range(entries):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, central + 28)
        name = bytes(data[central + 46 : central + 46 + name_length])
        if name == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, central + 24, 1024)  # uncompressed size in the central directory
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, 1024)  # and in the local header
        central += 46 + name_length + extra_length + comment_length
    return bytes(data)


def fifty_megabytes(plan) -> bytes:
    return export(plan, "01") + b"\0" * (50 * 1024 * 1024)


def million_rows() -> bytes:
    """A real workbook whose one sheet holds 1.000.000 filled rows: its XML is streamed into the zip, so the file
    is small (well under the upload limit) although openpyxl would need gigabytes to load it whole."""
    workbook = Workbook()
    workbook.active.title = P01
    template = zipfile.ZipFile(io.BytesIO(to_bytes(workbook)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in template.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(item, template.read(item.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:B1000000"/><sheetData>'
            )
            row = b"<row><c><v>1</v></c></row>"  # 26 bytes: the sheet unpacks to 26 MB, within the unpacked limit
            block = row * 10_000
            for _ in range(100):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def hidden_extra_sheet(plan) -> bytes:
    """The export with a hidden sheet of other figures (and a script) beside the appendix."""
    workbook = open_workbook(export(plan, "01"))
    extra = workbook.create_sheet("Ẩn")
    extra.sheet_state = "veryHidden"
    extra.append(["STT", "Huyện/TX/TP"])
    extra.append([1, "<script>alert(1)</script>", 999999])
    return to_bytes(workbook)


def hidden_appendix_sheet(plan) -> bytes:
    """The appendix sheet itself hidden, with a change in it: shown in the preview like any other."""
    workbook = open_workbook(edited(plan, "01", [(P01, DISTRICT, HOUSEHOLDS, 10001)]))  # the rate stays 4,00
    workbook[P01].sheet_state = "hidden"
    workbook.create_sheet("Trang bìa")  # a workbook needs one visible sheet
    workbook.active = 1
    return to_bytes(workbook)


def merged_figure_cells(plan) -> bytes:
    """Two figures of a district merged into one cell: the second would read as empty (a deleted figure)."""
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    row = find_row(ws, DISTRICT)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=4)
    return to_bytes(workbook)


def merged_rows(plan) -> bytes:
    """Two districts' rows merged down over the figure columns."""
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    row = find_row(ws, DISTRICT)
    ws.merge_cells(start_row=row, start_column=5, end_row=row + 1, end_column=5)
    return to_bytes(workbook)


def formula(plan) -> bytes:
    return edited(plan, "01", [(P01, DISTRICT, POOR, "=C6*2")])


def formula_as_label(plan) -> bytes:
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    ws.cell(row=find_row(ws, DISTRICT), column=2).value = '=HYPERLINK("http://example.org","Phù Cừ")'
    return to_bytes(workbook)


def huge_number(plan) -> bytes:
    return edited(plan, "01", [(P01, DISTRICT, POOR, 10**30)])


def huge_number_as_text(plan) -> bytes:
    return edited(plan, "01", [(P01, DISTRICT, POOR, "9" * 400)])


def huge_households(plan) -> bytes:
    """More households than the database's integers hold, with a rate that agrees (0,00)."""
    return edited(plan, "01", [(P01, DISTRICT, HOUSEHOLDS, 10**30), (P01, DISTRICT, RATE, 0)])


def negative_number(plan) -> bytes:
    return edited(plan, "01", [(P01, DISTRICT, POOR, -5)])


def text_in_figure(plan) -> bytes:
    return edited(plan, "01", [(P01, DISTRICT, POOR, "<script>alert(1)</script>")])


def error_value(plan) -> bytes:
    """A cell showing an Excel error (#DIV/0!) where a figure belongs."""
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    cell = ws.cell(row=find_row(ws, DISTRICT), column=find_column(ws, POOR))
    cell.value, cell.data_type = "#DIV/0!", "e"
    return to_bytes(workbook)


def script_as_label(plan) -> bytes:
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    ws.cell(row=find_row(ws, DISTRICT), column=2).value = "<script>alert(1)</script>"
    return to_bytes(workbook)


def _any_plan(builder):
    """A builder that needs no plan, called as those that do: builder(plan)."""
    return lambda _plan: builder()


# name → (builder(plan), what the refusal says, in English)
REFUSED = {
    "not a workbook": (_any_plan(not_a_workbook), "The file is not an Excel workbook (.xlsx)."),
    "a PDF named .xlsx": (_any_plan(pdf_named_xlsx), "The file is not an Excel workbook (.xlsx)."),
    "a truncated zip": (truncated_zip, "The file is damaged and cannot be opened as a workbook"),
    "a zip of garbage": (_any_plan(zip_with_garbage_members), "The file is damaged and cannot be opened as a workbook"),
    "a zip bomb": (
        _any_plan(zip_bomb),
        "The workbook unpacks to more than the application accepts: nothing was read.",
    ),
    "a zip bomb that lies about its size": (
        _any_plan(lying_zip_bomb),
        "The file is damaged and cannot be opened as a workbook",
    ),
    "1.000.000 rows": (_any_plan(million_rows), "has more than 20,000 rows: nothing was read."),
    "merged figure cells": (merged_figure_cells, "are merged: each figure needs its own cell"),
    "merged rows": (merged_rows, "are merged: each figure needs its own cell"),
    "a formula": (formula, "The cell holds a formula"),
    "a formula as the label": (formula_as_label, "The cell holds a formula"),
    "a huge number": (huge_number, "is too large: a figure has at most 15 digits."),
    "a huge number as text": (huge_number_as_text, "“9999999999999999999999999999999999999999…” is too large"),
    "a huge count of households": (huge_households, "is too large: a figure has at most 15 digits."),
    "a negative count": (negative_number, "A count cannot be negative"),
    "a script where a figure belongs": (text_in_figure, "“<script>alert(1)</script>” is not a number written as"),
    "an error value": (error_value, "“#DIV/0!” is not a number written as"),
    "a script as the label": (script_as_label, "is not a locality of this appendix"),
}

"""An uploaded workbook's sheets are read in the one streamed pass that measures them, and every cell comes out as
openpyxl's own reader gives it: the import judges the same values it judged when it loaded the whole workbook."""

import datetime
import re
import zipfile
from io import BytesIO

from openpyxl import Workbook, load_workbook

from spreadsheets.files import open_workbook

from .hostile_workbooks import _rewrite

# Cells openpyxl does not write itself, in the forms other programs save: an inline string of two runs with a
# phonetic reading (not part of the text), an error, a formula's text result, a shared formula, a row and cells
# without references.
HAND_WRITTEN_ROWS = (
    b'<row r="20"><c r="A20" t="inlineStr"><is><r><t xml:space="preserve">Huy\xe1\xbb\x87n </t></r><r><t>S\xe1\xbb'
    b'\x91 1</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c><c r="B20" t="e"><v>#DIV/0!</v></c>'
    b'<c r="C20" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D20" t="inlineStr"><is><t></t></is></c></row>'
    b'<row r="21"><c r="A21"><f t="shared" ref="A21:A23" si="7">B21+1</f><v>1</v></c></row>'
    b'<row r="22"><c r="A22"><f t="shared" si="7"/><v>2</v></c><c r="B22" t="b"><v>0</v></c></row>'
    b'<row><c><v>3.5E2</v></c><c t="s"><v>1</v></c></row>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_of_every_kind() -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phụ lục 01"
    ws.append(["STT", "Tên đơn vị", "Năm 2024"])
    ws.append([1, "Huyện Số 1", 7540])
    ws.append([2, "=HYPERLINK(1)", 2.27])  # text that starts with “=” is a formula to openpyxl
    ws["A4"], ws["B4"], ws["C4"] = True, datetime.datetime(2024, 5, 6), "7.540"
    ws["D4"] = 1.5
    ws["D4"].number_format = "0.00"
    ws["E4"] = datetime.time(8, 30)
    ws["F4"] = "=SUM(C2:C3)"
    ws.merge_cells("A6:C6")
    ws["A6"] = "Chuẩn nghèo"
    ws.merge_cells("D6:D8")
    hidden = workbook.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "x"
    workbook.properties.identifier = "povertyplan:thu"
    buffer = BytesIO()
    workbook.save(buffer)
    data = _rewrite(buffer.getvalue(), lambda xml: xml.replace(b"</sheetData>", HAND_WRITTEN_ROWS + b"</sheetData>"))
    return with_shared_strings(data, ["Tổng cộng", "Huyện Số 2"])


def with_shared_strings(data: bytes, strings: list[str]) -> bytes:
    """The workbook with a table of shared strings, as Excel saves text (openpyxl writes text inline)."""
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts = {
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
        ).encode(),
    }
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            archive.writestr(item.filename, content)
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_every_kind_of_cell_is_read_as_openpyxl_reads_it():
    data = workbook_of_every_kind()
    expected = load_workbook(BytesIO(data), data_only=False, rich_text=False)
    read = open_workbook(BytesIO(data), size=len(data))
    assert read.identifier == "povertyplan:thu"
    assert [(s.title, s.sheet_state) for s in read.worksheets] == [("Phụ lục 01", "visible"), ("Ẩn", "hidden")]
    for theirs, ours in zip(expected.worksheets, read.worksheets, strict=True):
        filled = {
            position: (cell.value, cell.data_type, cell.number_format)
            for position, cell in theirs._cells.items()
            if cell.value is not None
        }
        assert {position: tuple(cell) for position, cell in ours.cells.items() if cell.value is not None} == filled
        assert [merged.coord for merged in ours.merged] == [str(merged) for merged in theirs.merged_cells.ranges]
    sheet = read.worksheets[0]
    # What the import relies on, spelled out: the cells' values, a formula kept as one, a date as a date.
    assert sheet.value(20, 1) == "Huyện Số 1"
    assert sheet.cell(20, 2)[:2] == ("#DIV/0!", "e")
    assert sheet.cell(22, 1)[:2] == ("=B22+1", "f")
    assert sheet.cell(3, 2)[:2] == ("=HYPERLINK(1)", "f")
    assert sheet.cell(4, 2)[:2] == (datetime.datetime(2024, 5, 6), "d")
    assert sheet.cell(4, 4) == (1.5, "n", "0.00")
    assert sheet.value(23, 1) == 350.0
    assert sheet.value(23, 2) == "Huyện Số 2"  # a shared string
    assert sheet.value(6, 1) == "Chuẩn nghèo" and sheet.value(7, 4) is None


def test_the_cells_a_merged_range_hides_are_not_read():
    """As openpyxl: only a merged range's first cell holds a value, whatever the file has in the others."""

    def fill_hidden_cell(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", b'<row r="30"><c r="B30"><v>5</v></c></row></sheetData>')
        return re.sub(rb"(<mergeCells[^>]*>)", rb'\1<mergeCell ref="A30:C30"/>', xml, count=1)

    workbook = Workbook()
    workbook.active.merge_cells("A1:B1")
    buffer = BytesIO()
    workbook.save(buffer)
    data = _rewrite(buffer.getvalue(), fill_hidden_cell)
    sheet = open_workbook(BytesIO(data), size=len(data)).worksheets[0]
    assert "A30:C30" in [merged.coord for merged in sheet.merged]
    assert sheet.value(30, 2) is None
    assert load_workbook(BytesIO(data)).active.cell(row=30, column=2).value is None

"""Appendix workbooks: every published figure in its row and column, as a number, in the official layout.

Seed fidelity: the tests of the sheets export the two seed plans, because what they show is that a workbook holds
each figure of the published appendices (tests/sources.py) in the documents' own layout. The rules of the
downloads and of the command (names, 404s, read-only, the plan's visibility) are tested on a plan built here.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from analysis.quality import Finding
from kernel.numbers import VIETNAMESE, parse_number
from spreadsheets.layout import COUNT_FORMAT, RATE_FORMAT

from . import sources
from .factories import AppendixFactory, make_household_plan
from .workbook_factory import HY, TTH, cell, export, find_column, find_row, open_workbook

pytestmark = pytest.mark.django_db

HY_YEARS = ["Kết quả năm 2021", "Kết quả năm 2022", "Năm 2023", "Năm 2024", "Năm 2025"]
HY_FIELDS = [
    ("Tổng số hộ dân cư", COUNT_FORMAT),
    ("Tổng số hộ nghèo", COUNT_FORMAT),
    ("Tỷ lệ hộ nghèo (%)", RATE_FORMAT),
]
TTH_COLUMNS = [
    ("Tổng số hộ nghèo năm 2023", COUNT_FORMAT),
    ("Tỷ lệ nghèo năm 2023", RATE_FORMAT),
    ("Số hộ nghèo giảm năm 2024 (Phân đầu)", COUNT_FORMAT),
    ("Tổng số hộ nghèo còn lại năm 2024 (Phân đầu)", COUNT_FORMAT),
    ("Tỷ lệ năm 2024 (Phân đầu)", RATE_FORMAT),
]


def published(text: str) -> Decimal:
    return parse_number(text, separators=VIETNAMESE)


def visible_sheets(workbook) -> list[str]:
    """The sheets an official sees (the very hidden record of the figures' versions is not one)."""
    return [ws.title for ws in workbook.worksheets if ws.sheet_state != "veryHidden"]


def appendix_sheets(workbook) -> list[str]:
    return [name for name in visible_sheets(workbook) if not name.startswith("Kiểm tra")]


@pytest.fixture
def no_findings(monkeypatch):
    monkeypatch.setattr("spreadsheets.export.check_appendices", lambda tables: [])


# --- sheets ---------------------------------------------------------------------------------------


def test_plan_workbook_has_one_sheet_per_appendix_of_the_text_in_document_order():
    assert appendix_sheets(open_workbook(export(HY))) == ["Phụ lục 01", "Phụ lục 02", "Phụ lục 3"]
    # Thừa Thiên Huế's project appendix is referred to but not in the recorded text: no sheet.
    assert appendix_sheets(open_workbook(export(TTH))) == ["Phụ lục"]


def test_appendix_workbook_holds_only_that_appendix(no_findings):
    assert visible_sheets(open_workbook(export(HY, "02"))) == ["Phụ lục 02"]


def test_every_figure_of_hung_yen_appendix_01_is_a_number_in_its_row_and_column_with_its_format():
    ws = open_workbook(export(HY))["Phụ lục 01"]
    rows = sources.hung_yen_appendix_01()
    assert len(rows) == 11
    for source_row in rows:
        row = find_row(ws, source_row[1] or source_row[0])  # the source prints “Tổng cộng” across STT and label
        for index, text in enumerate(source_row[2:17]):
            header, number_format = HY_FIELDS[index % 3]
            target = ws.cell(row=row, column=find_column(ws, f"{HY_YEARS[index // 3]} — {header}"))
            assert isinstance(target.value, int | float), (source_row[1], header, target.value)
            assert Decimal(repr(target.value)) == published(text), (source_row[1], header)
            # A rate with the decimals the document printed: "1,2" (Kim Động 2023) is "0.0", "3,17" is "0.00".
            if number_format == RATE_FORMAT:
                number_format = "0." + "0" * len(text.split(",")[1])
            assert target.number_format == number_format, (source_row[1], header, text)


def test_every_figure_of_thua_thien_hue_appendix_is_a_number_in_its_row_and_column_with_its_format():
    ws = open_workbook(export(TTH))["Phụ lục"]
    rows = sources.thua_thien_hue_appendix()
    assert len(rows) == 10
    for source_row in rows:
        row = find_row(ws, source_row[1])
        for text, (header, number_format) in zip(source_row[2:7], TTH_COLUMNS, strict=True):
            target = ws.cell(row=row, column=find_column(ws, header))
            assert isinstance(target.value, int | float)
            assert Decimal(repr(target.value)) == published(text)
            assert target.number_format == number_format


def test_rows_keep_the_documents_order_and_numbering():
    hy = open_workbook(export(HY))["Phụ lục 01"]
    labels = [hy.cell(row=row, column=2).value for row in range(8, 19)]
    assert labels == [row[1] or row[0] for row in sources.hung_yen_appendix_01()]
    assert [hy.cell(row=row, column=1).value for row in (8, 17, 18)] == [1, 10, None]
    tth = open_workbook(export(TTH))["Phụ lục"]
    assert tth.cell(row=6, column=2).value == "Toàn tỉnh"  # the total first, as printed
    assert tth.cell(row=15, column=2).value == "Huyện A Lưới"


def test_title_lines_and_note_are_printed_above_the_table_across_its_first_page():
    ws = open_workbook(export(HY))["Phụ lục 01"]
    assert [ws.cell(row=row, column=1).value for row in range(1, 5)] == [
        "Phụ lục 01",
        "DỰ KIẾN",
        "TỶ LỆ HỘ NGHÈO TỈNH HUNG YÊN GIAI ĐOẠN 2023-2025",
        "(Kèm theo Kế hoạch số /KH-UBND ngày /11/2023 của UBND tỉnh)",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Across the first printed page (STT, name, 2021 and 2022): the table prints two years a page.
    assert {"A1:H1", "A2:H2", "A3:H3", "A4:H4"} <= merged
    assert ws["A1"].font.b and ws["A4"].font.i
    tth = open_workbook(export(TTH))["Phụ lục"]
    assert [tth.cell(row=row, column=1).value for row in range(1, 4)] == [
        "Phụ lục",
        "PHÂN ĐẦU CHỈ TIÊU GIẢM NGHÈO CỦA CÁC ĐỊA PHƯƠNG NĂM 2024",
        "(Ban hành kèm theo Kế hoạch số: 03/KH-UBND ngày 03/01/2024 của UBND tỉnh)",
    ]


def test_the_header_has_two_rows_with_the_year_groups_merged_over_their_columns():
    ws = open_workbook(export(HY))["Phụ lục 01"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:E6", "F6:H6", "I6:K6", "L6:N6", "O6:Q6"} <= merged
    assert [ws.cell(row=6, column=c).value for c in (1, 2, 3, 6, 9, 12, 15)] == ["STT", "Huyện/TX/TP", *HY_YEARS]
    assert [ws.cell(row=7, column=c).value for c in (3, 4, 5)] == [header for header, _f in HY_FIELDS]
    assert all(ws.cell(row=6, column=c).alignment.wrap_text for c in (1, 2, 3, 6, 9, 12, 15))
    assert all(ws.cell(row=7, column=c).alignment.wrap_text for c in range(3, 18))
    assert all(ws.cell(row=7, column=c).font.b for c in range(3, 18))


def test_a_table_without_year_groups_has_a_single_header_row():
    ws = open_workbook(export(TTH))["Phụ lục"]
    assert [ws.cell(row=5, column=c).value for c in range(1, 8)] == ["STT", "Đơn vị", *[h for h, _f in TTH_COLUMNS]]
    assert not [r for r in ws.merged_cells.ranges if r.min_row == 5]
    assert ws.freeze_panes == "C6"


def test_the_total_row_is_bold_and_so_are_columns_the_document_prints_bold():
    hy = open_workbook(export(HY))["Phụ lục 01"]
    total, district = find_row(hy, "Tổng cộng"), find_row(hy, "Phù Cừ")
    assert all(hy.cell(row=total, column=c).font.b for c in range(2, 18))
    assert not any(hy.cell(row=district, column=c).font.b for c in range(1, 18))
    tth = open_workbook(export(TTH))["Phụ lục"]
    assert all(tth.cell(row=find_row(tth, "Toàn tỉnh"), column=c).font.b for c in range(2, 8))
    a_luoi = find_row(tth, "Huyện A Lưới")
    assert [tth.cell(row=a_luoi, column=c).font.b for c in range(3, 8)] == [False, False, False, False, True]


def test_indicator_values_keep_the_decimals_the_plan_prints():
    ws = open_workbook(export(HY))["Phụ lục 02"]
    years = ["Kết quả năm 2022", "Năm 2023", "Năm 2024", "Năm 2025"]
    for source_row in sources.hung_yen_appendix_02():
        label = source_row[1].split(":", 1)[-1].strip() if source_row[0] else source_row[1]
        row = find_row(ws, label)
        assert ws.cell(row=row, column=find_column(ws, "ĐVT")).value == "%"
        for text, year in zip(source_row[3:7], years, strict=True):
            target = ws.cell(row=row, column=find_column(ws, year))
            assert isinstance(target.value, int | float)
            assert Decimal(repr(target.value)) == published(text)
            places = len(text.split(",")[1]) if "," in text else 0
            assert target.number_format == COUNT_FORMAT + ("." + "0" * places if places else "")
    assert cell(ws, "+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi", "Kết quả năm 2022").value == 9.7


def test_the_agency_column_is_merged_down_where_the_document_leaves_it_blank_under_a_group():
    ws = open_workbook(export(HY))["Phụ lục 02"]
    agency = find_column(ws, "Đơn vị thực hiện")
    health = find_row(ws, "+ Tỷ lệ người thuộc hộ nghèo, hộ cận nghèo được hỗ trợ tham gia bảo hiểm y tế")
    trained = find_row(ws, "+ Tỷ lệ người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo qua đào tạo")
    merged = {(r.min_row, r.max_row) for r in ws.merged_cells.ranges if r.min_col == r.max_col == agency}
    assert merged == {(health, health + 2), (trained, trained + 2)}
    assert ws.cell(row=health, column=agency).value == "Sở Y tế"
    # Sanitary latrines has its own agency in the document: not merged into the water row above.
    latrines = find_row(ws, "+ Tỷ lệ hộ nghèo, hộ cận nghèo sử dụng nhà tiêu hợp vệ sinh.")
    assert ws.cell(row=latrines, column=agency).value == "Sở Y tế"
    # The group heading is printed bold before the indicator, as in the document.
    label = ws.cell(row=health, column=2).value
    assert label.startswith("- Chiều thiếu hụt về y tế: + Tỷ lệ người thuộc hộ nghèo")


def test_the_policy_task_appendix_lists_each_task_with_its_lead_and_coordinating_agencies():
    ws = open_workbook(export(HY))["Phụ lục 3"]
    assert [ws.cell(row=1, column=1).value, ws.cell(row=2, column=1).value] == [
        "Phụ lục 3: NHIỆM VỤ XÂY DỰNG CÁC CHÍNH SÁCH GIẢM NGHÈO ĐẶC THÙ",
        "TRÊN ĐỊA BÀN TỈNH ĐẾN NĂM 2025",
    ]
    for source_row in sources.hung_yen_appendix_03():
        row = find_row(ws, source_row[1])
        assert ws.cell(row=row, column=1).value == int(source_row[0])
        assert [ws.cell(row=row, column=c).value for c in (3, 4, 5)] == source_row[2:5]


def test_sheets_print_on_a4_landscape_with_the_header_repeated_and_frozen():
    """Phụ lục 02 fits the page width at a readable size; Phụ lục 01 (15 figures a row) prints its years across
    pages at full size instead (tests/test_workbook_print.py)."""
    narrow = open_workbook(export(HY))["Phụ lục 02"]
    assert int(narrow.page_setup.fitToWidth) == 1 and int(narrow.page_setup.fitToHeight) == 0
    assert narrow.sheet_properties.pageSetUpPr.fitToPage
    ws = open_workbook(export(HY))["Phụ lục 01"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$6:$7"
    assert ws.freeze_panes == "C8"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    cells = [(1, 1), (4, 1), (6, 1), (6, 2), (6, 3), (7, 3), (8, 1), (8, 2), (8, 3), (18, 2), (18, 17)]
    fonts = {ws.cell(row=row, column=col).font.name for row, col in cells}
    assert fonts == {"Times New Roman"}


def test_findings_of_the_data_quality_check_go_on_a_companion_sheet(monkeypatch):
    finding = Finding(
        rule="total_is_sum",
        table="Phụ lục 01",
        appendix_code="01",
        row="Tổng cộng",
        column="Năm 2024 — Tổng số hộ nghèo",
        published=2954,
        computed=2963,
        difference=-9,
        message="The total is not the sum of the rows.",
    )
    outside = Finding("rate", "Mục II", "", "", "", Decimal("0.5"), None, None, "Stated in the text.")
    monkeypatch.setattr("spreadsheets.export.check_appendices", lambda tables: [finding, outside])
    workbook = open_workbook(export(HY))
    # The data check after every appendix: the workbook printed whole reads as the document, then the check.
    assert visible_sheets(workbook) == ["Phụ lục 01", "Phụ lục 02", "Phụ lục 3", "Kiểm tra – 01"]
    ws = workbook["Kiểm tra – 01"]
    values = [ws.cell(row=5, column=c).value for c in range(1, 7)]
    assert values == ["Tổng cộng", "Năm 2024 — Tổng số hộ nghèo", 2954, 2963, -9, finding.message]
    assert ws.cell(row=5, column=3).number_format == COUNT_FORMAT


def test_any_household_layout_is_written_by_the_same_engine(no_findings):
    plan = make_household_plan(districts=4, years=(2021, 2022, 2023, 2024))
    ws = open_workbook(export(plan.slug))["Phụ lục 01"]
    assert {"C4:E4", "L4:N4"} <= {str(r) for r in ws.merged_cells.ranges}
    assert cell(ws, "Huyện Số 3", "Năm 2024 — Tổng số hộ dân cư").value == 10200
    assert ws.cell(row=find_row(ws, "Tổng cộng"), column=2).font.b


# --- downloads --------------------------------------------------------------------------------------


def test_the_plan_workbook_downloads_as_an_attachment_for_anyone(client, small_plan, no_findings):
    response = client.get(reverse("spreadsheets:export_plan", args=[small_plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="tinh-thu-2021-2023.xlsx"'
    workbook = open_workbook(b"".join(response.streaming_content))
    assert [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"] == ["Phụ lục 01"]


def test_one_appendix_downloads_with_an_ascii_file_name(client, small_plan, no_findings):
    """The file is named after the appendix's heading, “Phụ lục 01”, without its diacritics."""
    response = client.get(reverse("spreadsheets:export_appendix", args=[small_plan.slug, "01"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tinh-thu-2021-2023-phu-luc-01.xlsx"'
    assert appendix_sheets(open_workbook(b"".join(response.streaming_content))) == ["Phụ lục 01"]


def test_an_appendix_the_recorded_text_does_not_include_is_not_downloaded(client, small_plan, no_findings):
    small_plan.appendices.filter(code="01").update(in_source=False)
    response = client.get(reverse("spreadsheets:export_appendix", args=[small_plan.slug, "01"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("no-such-plan", None),
        ("no-such-plan", "01"),
        ("tinh-thu-2021-2023", "09"),
        ("tinh-thu-2021-2023", "du-an"),  # not in the recorded text
    ],
)
def test_unknown_plans_and_appendices_are_not_found(client, small_plan, slug, code):
    AppendixFactory(plan=small_plan, code="du-an", order=1, title="Phụ lục 2\nDỰ ÁN", in_source=False)
    if code is None:
        url = reverse("spreadsheets:export_plan", args=[slug])
    else:
        url = reverse("spreadsheets:export_appendix", args=[slug, code])
    assert client.get(url).status_code == 404


def test_a_plan_that_is_not_public_is_not_exported_to_anonymous_visitors(client, small_plan, no_findings):
    url = reverse("spreadsheets:export_plan", args=[small_plan.slug])
    assert client.get(url).status_code == 200
    small_plan.is_public = False
    small_plan.save()
    assert client.get(url).status_code == 404


def test_the_export_is_read_only(client, small_plan):
    assert client.post(reverse("spreadsheets:export_plan", args=[small_plan.slug])).status_code == 405


# --- command ----------------------------------------------------------------------------------------


def test_the_command_writes_every_appendix_or_the_one_asked_for(tmp_path):
    """Shown on the seed plans, which have several appendices each."""
    output = tmp_path / "hy.xlsx"
    out = StringIO()
    call_command("export_appendix", HY, output=str(output), stdout=out)
    assert "“Phụ lục 01”, “Phụ lục 02”, “Phụ lục 3”" in out.getvalue()
    assert appendix_sheets(open_workbook(output.read_bytes())) == ["Phụ lục 01", "Phụ lục 02", "Phụ lục 3"]
    one = tmp_path / "tth.xlsx"
    call_command("export_appendix", TTH, "--output", str(one), "--appendix", "phu-luc", stdout=StringIO())
    assert appendix_sheets(open_workbook(one.read_bytes())) == ["Phụ lục"]


def test_the_command_refuses_an_unknown_plan_or_appendix(tmp_path, small_plan):
    with pytest.raises(CommandError, match="no-such-plan"):  # in the user's language (issue 14)
        call_command("export_appendix", "no-such-plan", output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="09"):
        call_command("export_appendix", small_plan.slug, output=str(tmp_path / "x.xlsx"), code="09")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_plan_without_an_appendix_to_export_is_not_found(client, no_findings):
    plan = make_household_plan()
    plan.appendices.update(in_source=False)
    assert client.get(reverse("spreadsheets:export_plan", args=[plan.slug])).status_code == 404

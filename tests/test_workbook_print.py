"""Issue 14, point 7: the appendix workbook printed whole reads as the document — each appendix readable (at least
8 pt), the data-check sheets after all appendices with their own print range and page numbers, and headers that
say what the figures under them are."""

import re
from decimal import Decimal

import pytest
from openpyxl.cell.rich_text import CellRichText

from analysis.quality import Finding
from spreadsheets.export import MIN_FIT_SCALE, TABLE_SIZE, column_pages
from spreadsheets.layout import appendix_layout, sheet_names

from .factories import make_household_plan
from .workbook_factory import HY, export, find_row, open_workbook

pytestmark = pytest.mark.django_db

A4 = 9


def total(**values) -> Finding:
    return Finding(
        rule="total_is_sum",
        table="Phụ lục 01",
        appendix_code="01",
        row="Tổng cộng",
        column="Năm 2024 — Tổng số hộ nghèo",
        published=2954,
        computed=2963,
        difference=-9,
        message="Tổng cộng không bằng tổng các dòng.",
        **values,
    )


def direction() -> Finding:
    return Finding(
        rule="target_follows_direction",
        table="Phụ lục 02",
        appendix_code="02",
        row="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng",
        column="2023",
        published=Decimal("9.8"),
        computed=Decimal("9.7"),
        difference=Decimal("0.1"),
        message="Chỉ tiêu tăng trong khi cần giảm.",
        places=None,
    )


@pytest.fixture
def findings(monkeypatch):
    monkeypatch.setattr("spreadsheets.export.check_appendices", lambda tables: [total(), direction()])


def test_hung_yen_phu_luc_01_prints_whole_years_per_page_at_full_size_with_stt_and_the_name_on_each():
    """Fitted to one page it printed at about 60 %, 6,6 pt type; now two years a page, at 100 %."""
    ws = open_workbook(export(HY))["Phụ lục 01"]
    assert int(ws.page_setup.paperSize) == A4 and ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.scale) == 100  # 11 pt type printed at 11 pt
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$6:$7"
    # Page breaks after columns F+G+H (2021, 2022: C–H) and N (2023, 2024: I–N): no year is split.
    assert [brk.id for brk in ws.col_breaks.brk] == [8, 14]
    groups = {ws.cell(row=6, column=column).value for column in (3, 6, 9, 12, 15)}
    assert groups == {"Kết quả năm 2021", "Kết quả năm 2022", "Năm 2023", "Năm 2024", "Năm 2025"}


def test_a_table_that_fits_the_page_at_8_pt_or_more_is_fitted_to_the_width():
    ws = open_workbook(export(HY))["Phụ lục 02"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert not ws.col_breaks.brk
    assert TABLE_SIZE * MIN_FIT_SCALE / 100 >= 8


@pytest.mark.parametrize(("years", "pages"), [((2021, 2022), 1), (tuple(range(2018, 2026)), 4)])
def test_any_wide_household_table_breaks_between_whole_years(years, pages):
    plan = make_household_plan(years=years, slug=f"tinh-{len(years)}-nam")
    appendix = plan.appendices.get()
    layout = appendix_layout(appendix, sheet_names(plan)[appendix.code])
    printed = column_pages(layout)
    assert len(printed) == pages
    for page in printed:
        assert len(page) % 3 == 0 and len({column.group for column in page}) == len(page) // 3


def test_the_data_check_sheets_come_after_every_appendix_each_with_its_own_print_range_and_page_numbers(findings):
    workbook = open_workbook(export(HY))
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    assert visible == ["Phụ lục 01", "Phụ lục 02", "Phụ lục 3", "Kiểm tra – 01", "Kiểm tra – 02"]
    for ws in (workbook[title] for title in visible):  # the hidden version sheet is never printed
        assert ws.print_area, ws.title
        assert ws.page_setup.useFirstPageNumber and int(ws.page_setup.firstPageNumber) == 1, ws.title
        assert re.fullmatch(rf"{re.escape(ws.title)} – trang &P/\d+", ws.oddFooter.center.text), ws.title
    assert workbook["Kiểm tra – 01"].print_area == "'Kiểm tra – 01'!$A$1:$F$5"


def test_a_direction_finding_is_headed_this_year_and_previous_year_not_computed(findings):
    ws = open_workbook(export(HY))["Kiểm tra – 02"]
    headers = [ws.cell(row=4, column=column).value for column in range(1, 7)]
    assert headers == ["Dòng", "Cột", "Năm nay", "Năm trước", "Thay đổi", "Phát hiện"]
    assert [ws.cell(row=5, column=column).value for column in (3, 4, 5)] == [9.8, 9.7, 0.1]
    recomputed = open_workbook(export(HY))["Kiểm tra – 01"]
    assert [recomputed.cell(row=4, column=column).value for column in (3, 4, 5)] == [
        "Công bố",
        "Tính lại",
        "Chênh lệch",
    ]


def test_a_negative_difference_is_kept_apart_from_the_findings_text(findings):
    ws = open_workbook(export(HY))["Kiểm tra – 01"]
    difference, text = ws.cell(row=5, column=5), ws.cell(row=5, column=6)
    assert difference.value == -9 and difference.alignment.horizontal == "right"
    assert text.alignment.horizontal == "left" and text.alignment.indent >= 1


def test_phu_luc_02_keeps_its_bold_dimension_labels():
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(export(HY)), rich_text=True)["Phụ lục 02"]
    label = ws.cell(row=find_row(ws, "Tỷ lệ trẻ em thuộc hộ nghèo, hộ cận nghèo đi học đúng độ tuổi"), column=2).value
    assert isinstance(label, CellRichText)
    lead, rest = label[0], label[1]
    assert lead.text == "- Chiều thiếu hụt về giáo dục, đào tạo:" and lead.font.b
    assert not rest.font.b and rest.text.startswith(" + Tỷ lệ trẻ em")


def test_phu_luc_02_rows_are_tall_enough_for_their_wrapped_text():
    """Each row holds its label wrapped in its column: at most 1,15 characters of Times New Roman 11 pt a width unit
    (what LibreOffice fits), 15 pt a line."""
    ws = open_workbook(export(HY))["Phụ lục 02"]
    per_line = int(ws.column_dimensions["B"].width * 1.15)
    for row in range(
        find_row(ws, "Tỷ lệ người thuộc hộ nghèo, hộ cận nghèo được hỗ trợ tham gia bảo hiểm y tế"), ws.max_row
    ):
        text = str(ws.cell(row=row, column=2).value or "")
        words, lines, used = text.split(), 1, 0
        for word in words:
            if used and used + 1 + len(word) > per_line:
                lines, used = lines + 1, 0
            used += len(word) + (1 if used else 0)
        height = ws.row_dimensions[row].height or 15
        assert height >= lines * 15, (row, text[:40], lines, height)


def page_total(ws) -> int:
    """The N of a sheet's footer “… – trang &P/N”, read back from the saved workbook."""
    match = re.fullmatch(r".* – trang &P/(\d+)", ws.oddFooter.center.text)
    assert match, ws.oddFooter.center.text
    return int(match[1])


def test_each_sheet_footer_says_page_p_of_its_own_page_count():
    """Hưng Yên printed whole: Phụ lục 01 is three pages of years side by side (1/3 … 3/3), Phụ lục 02, Phụ lục 3 and
    each data check one page each — not “of 7”, the workbook's total, which LibreOffice's &N would print."""
    workbook = open_workbook(export(HY))
    totals = {ws.title: page_total(ws) for ws in workbook.worksheets if ws.sheet_state == "visible"}
    assert totals == {"Phụ lục 01": 3, "Phụ lục 02": 1, "Phụ lục 3": 1, "Kiểm tra – 01": 1, "Kiểm tra – 02": 1}


def test_a_long_table_breaks_its_rows_into_pages_and_counts_them_in_the_footer():
    plan = make_household_plan(districts=120, years=(2021, 2022), slug="tinh-dai")
    ws = open_workbook(export(plan))["Phụ lục 01"]
    breaks = [item.id for item in ws.row_breaks.brk]
    assert len(breaks) >= 3 and breaks == sorted(breaks)
    assert page_total(ws) == len(breaks) + 1  # one page wide: the pages down are all of them

"""Importing appendix workbooks: every cell validated, the changes previewed, then written all or none.

The rules (previews, all-or-none writes, limits, the command, the web flow, rights and review locks) are shown on
plans each test builds: conftest's `small_plan` (three districts, 2021–2023; rows 6–8 of its sheet, the total in
row 9) and its people. Two parts are shown on the seed plans instead, and say so: the round trips of the real
documents, and the corpus of bad workbooks — whose messages name the sheets, rows and columns of the real layouts
(Hưng Yên's two-row headers and indicator table, Thừa Thiên Huế's one-row layout).
"""

import datetime
import io
import time
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.quality import Finding
from indicators.models import IndicatorValue
from plans.models import HouseholdFigure, Plan
from spreadsheets.changes import Change
from spreadsheets.files import MAX_UPLOAD_BYTES
from spreadsheets.importing import ImportRefused, apply_changes
from workflow.models import Role, TableReview

from .factories import make_role_user
from .helpers_b_plans import district
from .workbook_factory import (
    HY,
    TTH,
    database_state,
    edited,
    export,
    find_column,
    find_row,
    open_workbook,
    read,
    to_bytes,
)

# Messages are asserted in their English source; pages choose their language from the cookie (Vietnamese by
# default), commands and services use the active one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

P01 = "Phụ lục 01"
UNDERWEIGHT = "+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi"
SMALL = "tinh-thu-2021-2023"  # conftest's small_plan
HOUSEHOLDS_2023, POOR_2023, RATE_2023 = (
    "Năm 2023 — Tổng số hộ dân cư",
    "Năm 2023 — Tổng số hộ nghèo",
    "Năm 2023 — Tỷ lệ hộ nghèo (%)",
)


@pytest.fixture
def plan(small_plan):
    return small_plan


def figure(plan, label: str, year: int = 2023, kind: str = "target") -> HouseholdFigure:
    """The figure of the row labelled `label` (a seed plan may be given by its slug)."""
    lookup = {"plan__slug": plan} if isinstance(plan, str) else {"plan": plan}
    return HouseholdFigure.objects.get(**lookup, locality__appendixrow__label=label, year=year, kind=kind)


def indicator_value(text: str, year: int, kind: str = "target") -> IndicatorValue:
    return IndicatorValue.objects.get(plan_indicator__plan__slug=HY, plan_indicator__text=text, year=year, kind=kind)


def messages_of(result) -> list[str]:
    return [str(problem) for problem in result.errors]


# --- round trips of the seed documents -----------------------------------------------------------------


@pytest.mark.parametrize("slug", [HY, TTH])
def test_an_unchanged_export_of_a_seed_plan_imports_with_zero_changes_and_writes_nothing(slug):
    """Seed fidelity: each real document's export reads back as it is."""
    before = database_state()
    result = read(export(slug), slug)
    assert result.ok, messages_of(result)
    assert result.changes == []
    assert apply_changes(Plan.objects.get(slug=slug), result.changes) == 0
    assert database_state() == before


def test_the_policy_task_sheet_of_a_full_export_is_skipped_with_a_note():
    """Shown on the seed plan of Hưng Yên because its Phụ lục 3 (policy tasks) is the export-only appendix."""
    result = read(export(HY), HY)
    assert result.sheets == [P01, "Phụ lục 02"]
    assert any("Phụ lục 3 is export-only" in str(notice) for notice in result.notices)


def test_a_locality_may_be_named_as_the_row_label_or_by_its_official_name():
    """Shown on the seed plan of Thừa Thiên Huế because its table names each district twice (label and unit)."""
    data = edited(TTH, None, [("Phụ lục", "Huyện A Lưới", "Đơn vị", "huyện  A Lưới")])
    result = read(data, TTH)
    assert result.ok and result.changes == []


def test_a_rate_printed_with_one_decimal_equals_the_stored_two_decimals():
    """Seed fidelity: Kim Động 2023 is printed “1,2” in Hưng Yên's plan; the export writes 1.2 and reading it back
    changes nothing."""
    ws = open_workbook(export(HY, "01"))[P01]
    assert ws.cell(row=find_row(ws, "Kim Động"), column=find_column(ws, "Năm 2023 — Tỷ lệ hộ nghèo (%)")).value == 1.2
    assert read(export(HY, "01"), HY, "01").changes == []


def test_an_indicator_value_changes_and_its_written_form_follows():
    """Shown on the seed plan of Hưng Yên because its Phụ lục 02 writes targets as the document does (“dưới 9%”)."""
    data = edited(
        HY,
        "02",
        [("Phụ lục 02", UNDERWEIGHT, "Năm 2024", "9,5"), ("Phụ lục 02", UNDERWEIGHT, "Năm 2025", 8)],
    )
    result = read(data, HY, "02")
    assert result.ok, messages_of(result)
    assert [(c.year, c.display_old, c.display_new) for c in result.changes] == [(2024, "9.6", "9.5"), (2025, "9", "8")]
    apply_changes(Plan.objects.get(slug=HY), result.changes)
    assert indicator_value(UNDERWEIGHT, 2024).value == Decimal("9.5")
    assert indicator_value(UNDERWEIGHT, 2024).value_as_written == "9,5"
    target = indicator_value(UNDERWEIGHT, 2025)
    assert (target.value, target.qualifier, target.value_as_written) == (Decimal("8"), "below", "dưới 8%")


def test_a_change_to_a_text_column_of_the_indicator_table_is_ignored_with_a_note():
    """Shown on the seed plan of Hưng Yên because its indicator table has the text columns (ĐVT) of the document."""
    data = edited(HY, "02", [("Phụ lục 02", UNDERWEIGHT, "ĐVT", "người")])
    result = read(data, HY, "02")
    assert result.ok and result.changes == []
    assert any("Only the figures are imported" in str(notice) for notice in result.notices)


# --- the rules of an import, on a small plan ------------------------------------------------------------


def test_the_findings_sheets_of_an_export_are_not_read_back(plan, monkeypatch):
    finding = Finding("total_is_sum", P01, "01", "Tổng cộng", POOR_2023, 1203, 1210, -7, "…")
    monkeypatch.setattr("spreadsheets.export.check_appendices", lambda tables: [finding])
    data = export(plan)
    assert "Kiểm tra – 01" in open_workbook(data).sheetnames
    result = read(data, plan)
    assert result.ok and result.changes == [] and "Kiểm tra – 01" not in result.sheets


def test_two_changed_cells_are_exactly_the_two_changes_previewed_then_applied(plan):
    data = edited(
        plan, None, [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001), (P01, "Huyện Số 2", HOUSEHOLDS_2023, 10102)]
    )
    before = database_state()
    result = read(data, plan)
    assert result.ok, messages_of(result)
    assert [(c.label, c.year, c.column, c.display_old, c.display_new) for c in result.changes] == [
        ("Huyện Số 1", 2023, HOUSEHOLDS_2023, "10,000", "10,001"),
        ("Huyện Số 2", 2023, HOUSEHOLDS_2023, "10,100", "10,102"),
    ]
    assert [(c.sheet, c.row) for c in result.changes] == [(P01, 6), (P01, 7)]
    assert database_state() == before  # the preview writes nothing

    assert apply_changes(plan, result.changes, reason="Rà soát", source="phu-luc.xlsx") == 2
    assert figure(plan, "Huyện Số 1").households == 10001
    assert figure(plan, "Huyện Số 2").households == 10102
    after = database_state()
    changed = [(old, new) for old, new in zip(before[0], after[0], strict=True) if old != new]
    assert len(changed) == 2
    assert after[1] == before[1]
    history = figure(plan, "Huyện Số 1").history.first()
    assert history.history_change_reason == "Rà soát (import of phu-luc.xlsx)"


def test_the_same_file_imported_again_finds_nothing_left_to_change(plan):
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    apply_changes(plan, read(data, plan, "01").changes)
    assert read(data, plan, "01").changes == []


def test_vietnamese_numbers_typed_as_text_are_read_as_the_document_writes_them(plan):
    same = edited(plan, None, [(P01, "Tổng cộng", POOR_2023, "1.203"), (P01, "Tổng cộng", RATE_2023, "3,97")])
    result = read(same, plan)
    assert result.ok, messages_of(result)
    assert result.changes == []
    changed = edited(plan, None, [(P01, "Huyện Số 3", HOUSEHOLDS_2023, "10.201")])
    result = read(changed, plan)
    assert [(c.old, c.new) for c in result.changes] == [("10200", "10201")]


def test_a_row_missing_from_the_sheet_is_left_as_it_is_with_a_note(plan):
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    ws.delete_rows(find_row(ws, "Huyện Số 2"))
    result = read(to_bytes(workbook), plan, "01")
    assert result.ok and result.changes == []
    assert any("“Huyện Số 2” is not in the sheet" in str(notice) for notice in result.notices)


def test_confirmation_refuses_everything_when_a_figure_changed_since_the_preview(plan):
    data = edited(
        plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001), (P01, "Huyện Số 3", HOUSEHOLDS_2023, 10201)]
    )
    changes = read(data, plan, "01").changes
    HouseholdFigure.objects.filter(pk=figure(plan, "Huyện Số 3").pk).update(households=10199)
    before = database_state()
    with pytest.raises(ImportRefused) as refused:
        apply_changes(plan, changes)
    assert "changed after the preview" in str(refused.value.problems[0])
    assert str(refused.value.problems[0]).startswith(f"Sheet “Phụ lục 01”, row 8, column “{HOUSEHOLDS_2023}”")
    assert database_state() == before
    assert figure(plan, "Huyện Số 1").households == 10000


def test_the_change_set_survives_the_session_as_plain_data(plan):
    change = read(edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)]), plan, "01").changes[0]
    assert Change.from_session(change.to_session()) == change
    assert change.to_session()["old"] == "10000" and change.to_session()["new"] == "10001"


def test_an_import_moves_the_edit_version_on_so_an_open_grid_does_not_overwrite_it(plan):
    version = figure(plan, "Huyện Số 1").version
    changes = read(edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)]), plan, "01").changes
    apply_changes(plan, changes)
    assert figure(plan, "Huyện Số 1").version == version + 1


# --- a corpus of bad workbooks: each refused with its message, the database unchanged ------------------
#
# Shown on the seed plans because each message names the sheet, row and column of a real document's layout.


def _not_a_workbook():
    return "STT;Huyện/TX/TP\n1;Phù Cừ\n".encode()


def _old_excel():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000


def _truncated():
    data = export(HY, "01")
    return data[: len(data) // 2]


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buffer.getvalue()


def _too_large():
    return export(HY, "01") + b"\0" * MAX_UPLOAD_BYTES


def _cell(label, title, value, slug=HY, code="01", sheet=P01):
    return lambda: edited(slug, code, [(sheet, label, title, value)])


def _renamed_sheet():
    workbook = open_workbook(export(HY, "01"))
    workbook[P01].title = "Sheet1"
    return to_bytes(workbook)


def _swapped_columns():
    workbook = open_workbook(export(HY, "01"))
    ws = workbook[P01]
    for row in range(7, ws.max_row + 1):
        d, e = ws.cell(row=row, column=4), ws.cell(row=row, column=5)
        d.value, e.value = e.value, d.value
    return to_bytes(workbook)


def _deleted_column():
    workbook = open_workbook(export(HY, "01"))
    workbook[P01].delete_cols(17)
    return to_bytes(workbook)


def _duplicate_row():
    workbook = open_workbook(export(HY, "01"))
    ws = workbook[P01]
    source = find_row(ws, "Phù Cừ")
    for column in range(1, 18):
        ws.cell(row=19, column=column, value=ws.cell(row=source, column=column).value)
    return to_bytes(workbook)


def _year_outside_period():
    workbook = open_workbook(export(HY, "01"))
    workbook[P01]["O6"] = "Năm 2031"
    return to_bytes(workbook)


def _year_outside_period_tth():
    workbook = open_workbook(export(TTH))
    ws = workbook["Phụ lục"]
    ws.cell(row=5, column=find_column(ws, "Tỷ lệ năm 2024 (Phân đầu)")).value = "Tỷ lệ năm 2025 (Phân đầu)"
    return to_bytes(workbook)


def _cell_outside_table():
    workbook = open_workbook(export(HY, "01"))
    workbook[P01]["R8"] = "xem lại"
    return to_bytes(workbook)


def _other_plan():
    return export(TTH)


def _header_removed():
    workbook = open_workbook(export(HY, "01"))
    ws = workbook[P01]
    ws.unmerge_cells("A6:A7")
    ws["A6"] = None
    return to_bytes(workbook)


def where(row, column, letter, sheet=P01):
    return f"Sheet “{sheet}”, row {row}, column “{column}” ({letter}): "


BAD_WORKBOOKS = [
    ("not-a-workbook", HY, "01", _not_a_workbook, "not an Excel workbook", None),
    ("old-xls", HY, "01", _old_excel, "Excel 97–2003", None),
    ("truncated-zip", HY, "01", _truncated, "damaged", None),
    ("zip-without-workbook", HY, "01", _zip_without_workbook, "not an Excel workbook", None),
    ("too-large", HY, "01", _too_large, "larger than 5 MB", None),
    ("wrong-sheet", HY, "01", _renamed_sheet, "no sheet “Phụ lục 01”", None),
    ("unknown-sheet", HY, None, _renamed_sheet, "not an appendix of", "Sheet “Sheet1”: "),
    ("other-plan", HY, None, _other_plan, "exported from another plan", None),
    ("export-only", HY, "03", lambda: export(HY, "03"), "export-only", None),
    ("header-removed", HY, "01", _header_removed, "header was not found", where(6, "STT", "A")),
    (
        "moved-column",
        HY,
        "01",
        _swapped_columns,
        "found “Kết quả năm 2021 — Tỷ lệ hộ nghèo (%)”: a column is missing or has moved",
        where(7, "Kết quả năm 2021 — Tổng số hộ nghèo", "D"),
    ),
    ("deleted-column", HY, "01", _deleted_column, "is missing", where(7, "Năm 2025 — Tỷ lệ hộ nghèo (%)", "Q")),
    (
        "year-outside-period",
        HY,
        "01",
        _year_outside_period,
        "The year 2031 lies outside the plan's period 2023–2030",
        where(6, "Năm 2025 — Tổng số hộ dân cư", "O"),
    ),
    (
        "year-outside-period-tth",
        TTH,
        None,
        _year_outside_period_tth,
        "The year 2025 lies outside the plan's period 2024–2024",
        where(5, "Tỷ lệ năm 2024 (Phân đầu)", "G", sheet="Phụ lục"),
    ),
    (
        "formula",
        HY,
        "01",
        _cell("Phù Cừ", "Năm 2024 — Tổng số hộ dân cư", "=30000+9"),
        "holds a formula (=30000+9)",
        where(8, "Năm 2024 — Tổng số hộ dân cư", "L"),
    ),
    (
        "unknown-district",
        HY,
        "01",
        _cell("Phù Cừ", "Huyện/TX/TP", "Huyện Không Có"),
        "“Huyện Không Có” is not a locality of this appendix",
        where(8, "Huyện/TX/TP", "B"),
    ),
    (
        "text-in-number-cell",
        HY,
        "01",
        _cell("Ân Thi", "Năm 2023 — Tổng số hộ nghèo", "khoảng 900"),
        "is not a number",
        where(12, "Năm 2023 — Tổng số hộ nghèo", "J"),
    ),
    (
        "ambiguous-decimal-point",
        HY,
        "01",
        _cell("Ân Thi", "Năm 2023 — Tỷ lệ hộ nghèo (%)", "1.91"),
        "“1.91” is not a number written as 7.540 or 2,27",
        where(12, "Năm 2023 — Tỷ lệ hộ nghèo (%)", "K"),
    ),
    (
        "negative-count",
        HY,
        "01",
        _cell("Mỹ Hào", "Kết quả năm 2022 — Tổng số hộ nghèo", -457),
        "A count cannot be negative (-457)",
        where(15, "Kết quả năm 2022 — Tổng số hộ nghèo", "G"),
    ),
    (
        "fractional-count",
        HY,
        "01",
        _cell("Mỹ Hào", "Kết quả năm 2022 — Tổng số hộ nghèo", 457.5),
        "must be a whole number",
        where(15, "Kết quả năm 2022 — Tổng số hộ nghèo", "G"),
    ),
    (
        "more-poor-than-households",
        HY,
        "01",
        _cell("Phù Cừ", "Năm 2024 — Tổng số hộ nghèo", 40000),
        "There cannot be more poor households (40,000) than households (30,009)",
        where(8, "Năm 2024 — Tổng số hộ nghèo", "M"),
    ),
    (
        "rate-disagrees-with-counts",
        HY,
        "01",
        _cell("Phù Cừ", "Kết quả năm 2021 — Tỷ lệ hộ nghèo (%)", 3.9),
        "The rate 3.90% disagrees with its counts: 946 poor households of 29,822 give 3.17%",
        where(8, "Kết quả năm 2021 — Tỷ lệ hộ nghèo (%)", "E"),
    ),
    (
        "rate-with-three-decimals",
        HY,
        "01",
        _cell("Phù Cừ", "Kết quả năm 2021 — Tỷ lệ hộ nghèo (%)", 3.172),
        "at most two decimals",
        where(8, "Kết quả năm 2021 — Tỷ lệ hộ nghèo (%)", "E"),
    ),
    (
        "rate-above-100",
        TTH,
        None,
        _cell("Huyện A Lưới", "Tỷ lệ nghèo năm 2023", 124.4, slug=TTH, code=None, sheet="Phụ lục"),
        "between 0 and 100%",
        where(15, "Tỷ lệ nghèo năm 2023", "D", sheet="Phụ lục"),
    ),
    (
        "date-in-number-cell",
        HY,
        "01",
        _cell("Phù Cừ", "Năm 2024 — Tỷ lệ hộ nghèo (%)", datetime.datetime(2024, 1, 6)),
        "a date where a number belongs",
        where(8, "Năm 2024 — Tỷ lệ hộ nghèo (%)", "N"),
    ),
    (
        "duplicate-row",
        HY,
        "01",
        _duplicate_row,
        "“Phù Cừ” appears twice: it is already in row 8",
        where(19, "Huyện/TX/TP", "B"),
    ),
    (
        "cell-outside-table",
        HY,
        "01",
        _cell_outside_table,
        "outside the table",
        "Sheet “Phụ lục 01”, row 8, column “R” (R): ",
    ),
    (
        "unknown-indicator",
        HY,
        "02",
        _cell(UNDERWEIGHT, "Các chỉ tiêu", "+ Tỷ lệ hộ có xe máy", code="02", sheet="Phụ lục 02"),
        "is not an indicator of this appendix",
        where(7, "Các chỉ tiêu", "B", sheet="Phụ lục 02"),
    ),
    (
        "percentage-above-100",
        HY,
        "02",
        _cell(UNDERWEIGHT, "Năm 2024", 120, code="02", sheet="Phụ lục 02"),
        "A percentage cannot exceed 100",
        where(7, "Năm 2024", "F", sheet="Phụ lục 02"),
    ),
    (
        "indicator-value-cleared",
        HY,
        "02",
        _cell(UNDERWEIGHT, "Năm 2024", None, code="02", sheet="Phụ lục 02"),
        "cannot be removed",
        where(7, "Năm 2024", "F", sheet="Phụ lục 02"),
    ),
]


@pytest.mark.parametrize(
    ("slug", "code", "build", "message", "location"),
    [case[1:] for case in BAD_WORKBOOKS],
    ids=[case[0] for case in BAD_WORKBOOKS],
)
def test_a_bad_workbook_is_refused_with_a_message_naming_sheet_row_and_column(slug, code, build, message, location):
    data = build()
    before = database_state()
    result = read(data, slug, code)
    assert not result.ok
    matching = [text for text in messages_of(result) if message in text]
    assert matching, messages_of(result)
    if location:
        assert any(text.startswith(location) for text in matching), matching
    assert database_state() == before


@pytest.mark.parametrize(
    ("slug", "code", "build", "message"),
    [case[1:5] for case in BAD_WORKBOOKS],
    ids=[case[0] for case in BAD_WORKBOOKS],
)
def test_the_command_refuses_a_bad_workbook_with_status_1_and_writes_nothing(tmp_path, slug, code, build, message):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build())
    before = database_state()
    errors = StringIO()
    options = {"code": code} if code else {}
    with pytest.raises(CommandError) as refused:
        call_command("import_appendix", slug, str(path), stdout=StringIO(), stderr=errors, **options)
    assert refused.value.returncode == 1
    assert message in errors.getvalue()
    assert database_state() == before


def test_a_sheet_with_more_rows_than_the_limit_is_refused(plan, monkeypatch):
    monkeypatch.setattr("spreadsheets.sheets.MAX_ROWS", 3)  # the plan's table has four: three districts, the total
    result = read(export(plan, "01"), plan, "01")
    assert messages_of(result) == ["Sheet “Phụ lục 01”: The sheet has more than 3 rows: nothing was read."]


def test_a_huge_sheet_is_refused_before_it_is_loaded_whole(plan):
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(P01)
    for number in range(20_100):
        ws.append([number, "Huyện Số 1", 1])
    result = read(to_bytes(workbook), plan, "01")
    assert messages_of(result) == ["Sheet “Phụ lục 01” has more than 20,000 rows: nothing was read."]


def test_formatting_far_outside_the_table_is_neither_content_nor_a_reason_to_refuse(plan):
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[P01]
    ws["XFD40"].font = Font(bold=True)  # a whole column or row formatted by hand leaves cells like these
    ws["C30000"].number_format = "0.00"
    data = to_bytes(workbook)  # saving it is openpyxl's time, not the import's
    started = time.perf_counter()
    result = read(data, plan, "01")
    assert result.ok and result.changes == []
    assert time.perf_counter() - started < 10


def test_every_error_of_a_file_is_listed_not_only_the_first(plan):
    data = edited(plan, "01", [(P01, "Huyện Số 1", POOR_2023, "nhiều"), (P01, "Huyện Số 2", POOR_2023, -1)])
    assert len(read(data, plan, "01").errors) == 2


# --- the command ------------------------------------------------------------------------------------


def _write(tmp_path, data: bytes):
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(data)
    return str(path)


def test_the_command_dry_run_prints_the_changes_and_writes_nothing(plan, tmp_path):
    path = _write(tmp_path, edited(plan, "01", [(P01, "Huyện Số 3", HOUSEHOLDS_2023, 10201)]))
    before = database_state()
    out = StringIO()
    call_command("import_appendix", SMALL, path, "--appendix", "01", "--dry-run", stdout=out)
    assert f"Huyện Số 3, 2023, {HOUSEHOLDS_2023}: 10,200 → 10,201" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert database_state() == before


def test_the_command_applies_the_changes_and_exits_0(plan, tmp_path):
    path = _write(tmp_path, edited(plan, "01", [(P01, "Huyện Số 3", HOUSEHOLDS_2023, 10201)]))
    out = StringIO()
    # The total row no longer equals its rows: a warning, printed; saved only with --accept-warnings.
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import_appendix", SMALL, path, stdout=out)
    assert "no longer equals the sum of its rows" in out.getvalue()
    assert figure(plan, "Huyện Số 3").households == 10200
    call_command("import_appendix", SMALL, path, "--accept-warnings", stdout=out)
    assert "Saved 1 change." in out.getvalue()  # a correct plural (issue 14)
    assert figure(plan, "Huyện Số 3").households == 10201


def test_the_command_writes_nothing_for_an_unchanged_file(plan, tmp_path):
    path = _write(tmp_path, export(plan))
    before = database_state()
    out = StringIO()
    call_command("import_appendix", SMALL, path, stdout=out)
    assert "nothing to change" in out.getvalue()
    assert database_state() == before


def test_the_exit_status_from_the_command_line_is_1_for_a_refused_file_and_0_otherwise(
    plan, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes the database connections when it ends, as a real command line would;
    # here that would close the test's own connection (PostgreSQL then refuses the next query).
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_not_a_workbook())
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_appendix", SMALL, str(bad)]).execute()
    assert exited.value.code == 1
    assert "not an Excel workbook" in capsys.readouterr().err
    good = _write(tmp_path, export(plan))
    ManagementUtility(["manage.py", "import_appendix", SMALL, good, "--dry-run"]).execute()  # returns: status 0


def test_the_command_refuses_a_missing_file_and_an_unknown_plan(plan, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_appendix", SMALL, str(tmp_path / "missing.xlsx"))
    with pytest.raises(CommandError, match="no plan"):
        call_command("import_appendix", "no-such-plan", str(tmp_path / "missing.xlsx"))


def test_the_command_can_import_as_an_account_and_then_checks_its_rights(plan, small_plan_people, tmp_path):
    official = small_plan_people["official"]  # of Huyện Số 1
    path = _write(tmp_path, edited(plan, "01", [(P01, "Huyện Số 2", HOUSEHOLDS_2023, 10102)]))
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("import_appendix", SMALL, path, "--user", official.username, stdout=StringIO(), stderr=errors)
    assert "your own unit, not those of Huyện Số 2" in errors.getvalue()


# --- the web flow -----------------------------------------------------------------------------------

IMPORT_01 = reverse("spreadsheets:import_appendix", args=[SMALL, "01"])


def upload(data: bytes, name: str = "phu-luc-01.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def two_changes(plan) -> bytes:
    return edited(
        plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001), (P01, "Huyện Số 2", HOUSEHOLDS_2023, 10102)]
    )


def test_an_editor_uploads_sees_the_preview_then_confirms(admin_client, superuser, plan):
    response = admin_client.get(IMPORT_01)
    assert response.status_code == 200
    assert b'type="file"' in response.content

    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(two_changes(plan))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 changes" in page and all(number in page for number in ("10,000", "10,001", "10,100", "10,102"))
    assert database_state() == before
    pending = admin_client.session[f"workbook-import:{SMALL}:01"]
    assert len(pending["changes"]) == 2 and "file" in pending and "workbook" not in pending

    token = response.context["token"]
    assert "I have read the warnings" in page  # the total row no longer equals its rows
    response = admin_client.post(IMPORT_01, {"confirm": "1", "token": token})
    assert response.status_code == 400 and database_state() == before
    response = admin_client.post(IMPORT_01, {"confirm": "1", "token": token, "warnings_read": "1"})
    assert response.status_code == 302
    assert figure(plan, "Huyện Số 1").households == 10001
    assert figure(plan, "Huyện Số 2").households == 10102
    assert figure(plan, "Huyện Số 1").history.first().history_user == superuser
    assert f"workbook-import:{SMALL}:01" not in admin_client.session
    assert "2 changes were saved" in admin_client.get(IMPORT_01).content.decode()


def test_the_preview_shows_the_figures_the_vietnamese_way_by_default(admin_client, plan):
    del admin_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, "10.001")])
    page = admin_client.post(IMPORT_01, {"workbook": upload(data)}).content.decode()
    assert "10.000" in page and "10.001" in page


def test_a_refused_upload_shows_the_errors_first_and_keeps_nothing_pending(admin_client, plan):
    data = edited(plan, "01", [(P01, "Huyện Số 1", POOR_2023, 40000)])
    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Sheet “Phụ lục 01”, row 6, column “{POOR_2023}” (J)" in page
    assert 'name="confirm"' not in page
    assert f"workbook-import:{SMALL}:01" not in admin_client.session
    assert database_state() == before


def test_a_file_that_is_not_a_workbook_is_answered_with_a_message_not_an_error(admin_client, plan):
    response = admin_client.post(IMPORT_01, {"workbook": upload(b"\x00\x01 garbage", "data.xlsx")})
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()


def test_an_upload_without_a_file_shows_the_form_again(admin_client, plan):
    response = admin_client.post(IMPORT_01, {})
    assert response.status_code == 400
    assert b'type="file"' in response.content


def test_confirming_without_a_pending_preview_saves_nothing(admin_client, plan):
    before = database_state()
    response = admin_client.post(IMPORT_01, {"confirm": "1", "token": "forged"}, follow=True)
    assert "nothing to confirm" in response.content.decode()
    assert database_state() == before


def test_confirming_after_someone_else_changed_the_figure_saves_nothing(admin_client, plan):
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    HouseholdFigure.objects.filter(pk=figure(plan, "Huyện Số 1").pk).update(households=9999)
    confirm = {"confirm": "1", "token": response.context["token"], "warnings_read": "1"}
    response = admin_client.post(IMPORT_01, confirm, follow=True)
    assert "changed after the preview" in response.content.decode()
    assert figure(plan, "Huyện Số 1").households == 9999


def test_an_unchanged_upload_says_there_is_nothing_to_change(admin_client, plan):
    response = admin_client.post(IMPORT_01, {"workbook": upload(export(plan, "01"))})
    assert "there is nothing to change" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()


def test_the_policy_task_appendix_page_says_it_is_export_only(admin_client):
    """Shown on the seed plan of Hưng Yên because its Phụ lục 3 (policy tasks) is the export-only appendix."""
    url = reverse("spreadsheets:import_appendix", args=[HY, "03"])
    assert "export-only" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"workbook": upload(export(HY, "03"))})
    assert response.status_code == 400


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(client, plan):
    response = client.get(IMPORT_01)
    assert response.status_code == 302 and "/login/" in response["Location"]
    before = database_state()
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    response = client.post(IMPORT_01, {"workbook": upload(data)})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert database_state() == before


def test_an_account_without_edit_rights_is_refused(client, plan):
    client.force_login(make_role_user(Role.READER, province=plan.province))
    assert client.get(IMPORT_01).status_code == 403
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    before = database_state()
    assert client.post(IMPORT_01, {"workbook": upload(data)}).status_code == 403
    assert database_state() == before


def test_a_district_official_may_import_only_their_own_district(client, plan, small_plan_people):
    client.force_login(small_plan_people["official"])  # of Huyện Số 1
    mine = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    response = client.post(IMPORT_01, {"workbook": upload(mine)})
    assert response.context["result"].ok
    theirs = edited(plan, "01", [(P01, "Huyện Số 2", HOUSEHOLDS_2023, 10102)])
    response = client.post(IMPORT_01, {"workbook": upload(theirs)})
    assert not response.context["result"].ok
    assert "Sheet “Phụ lục 01”, row 7, column “Huyện” (B): You may only change the figures of your own" in (
        response.content.decode()
    )


def _review(plan, state: str):
    TableReview.objects.create(plan=plan, table="districts", locality=district(plan, 1), state=state)


def test_an_approved_district_cannot_be_changed_by_an_import(admin_client, plan):
    _review(plan, "approved")
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    assert "Approved by" in response.content.decode() and not response.context["result"].ok


def test_a_reopened_district_changes_only_with_a_reason(admin_client, plan):
    _review(plan, "reopened")
    data = edited(plan, "01", [(P01, "Huyện Số 1", HOUSEHOLDS_2023, 10001)])
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    assert response.context["result"].reason_required
    token = response.context["token"]
    response = admin_client.post(IMPORT_01, {"confirm": "1", "token": token, "reason": " ", "warnings_read": "1"})
    assert response.status_code == 400
    assert "give a reason" in response.content.decode()
    assert figure(plan, "Huyện Số 1").households == 10000
    reason = "Số liệu rà soát cuối năm"
    response = admin_client.post(IMPORT_01, {"confirm": "1", "token": token, "reason": reason, "warnings_read": "1"})
    assert response.status_code == 302
    saved = figure(plan, "Huyện Số 1")
    assert saved.households == 10001
    # The reason, the file, and the warning the person confirmed (the total row no longer equals its rows).
    recorded = saved.history.first().history_change_reason
    assert recorded.startswith("Số liệu rà soát cuối năm (import of phu-luc-01.xlsx; ⚠ 1 warning confirmed: ")
    assert "no longer equals the sum of its rows" in recorded


@pytest.mark.parametrize(
    "url",
    [
        reverse("spreadsheets:import_appendix", args=["no-such-plan", "01"]),
        reverse("spreadsheets:import_appendix", args=[SMALL, "09"]),
    ],
)
def test_unknown_plans_and_appendices_are_not_found(admin_client, plan, url):
    assert admin_client.get(url).status_code == 404

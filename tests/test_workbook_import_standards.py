"""The workbook import records the poverty standard of the figures it writes: the standard the sheet's header names
(the line the export writes in the blank row above the header), refused — naming the sheet and the cell — where
that standard does not measure the figure's year; without such a line a new figure gets the standard in force."""

import pytest

from plans.models import HouseholdFigure, PovertyStandard
from spreadsheets.importing import apply_changes

from .factories import make_household_plan
from .workbook_factory import database_state, export, find_column, find_row, open_workbook, read, to_bytes

pytestmark = pytest.mark.django_db

SHEET = "Phụ lục 01"
HOUSEHOLDS_2026 = "Năm 2026 — Tổng số hộ dân cư"


@pytest.fixture
def plan():
    return make_household_plan(years=(2025, 2026), slug="thu-chuan-ngheo-2025-2026")


def standard_cell(ws):
    for row in range(1, 10):
        value = ws.cell(row=row, column=1).value
        if isinstance(value, str) and value.startswith("Chuẩn nghèo"):
            return ws.cell(row=row, column=1)
    raise AssertionError("no poverty-standard line in the export")


def workbook_with(plan, *, standard_line, households=10001):
    workbook = open_workbook(export(plan, "01"))
    ws = workbook[SHEET]
    standard_cell(ws).value = standard_line
    ws.cell(row=find_row(ws, "Huyện Số 1"), column=find_column(ws, HOUSEHOLDS_2026)).value = households
    return to_bytes(workbook)


def stored(plan, year=2026):
    return HouseholdFigure.objects.get(plan=plan, locality__name="Huyện Số 1", year=year)


def test_the_export_names_the_standard_in_the_row_above_the_header_and_reimporting_it_records_that_standard(
    plan, vietnamese
):
    ws = open_workbook(export(plan, "01"))[SHEET]
    assert standard_cell(ws).value == "Chuẩn nghèo: 2021–2026 (Nghị định 07/2021/NĐ-CP)"
    result = read(workbook_with(plan, standard_line=standard_cell(ws).value), plan, "01")
    assert result.ok, [str(p) for p in result.errors]
    assert [(c.field, c.standard) for c in result.changes] == [("households", "nd07_2021")]


def test_a_standard_named_in_the_header_is_recorded_on_the_figures_the_import_writes(plan, vietnamese):
    PovertyStandard.objects.create(
        code="thu_2026",
        name="Chuẩn nghèo thử nghiệm 2026",
        legal_basis="Quyết định thử nghiệm 1/2026",
        first_year=2026,
        last_year=2026,
    )
    assert stored(plan).standard_id == "nd07_2021"
    data = workbook_with(plan, standard_line="Chuẩn nghèo: 2026–2026 (Quyết định thử nghiệm 1/2026)")
    result = read(data, plan, "01")
    assert result.ok, [str(p) for p in result.errors]
    apply_changes(plan, result.changes)
    figure = stored(plan)
    assert (figure.households, figure.standard_id) == (10001, "thu_2026")
    assert stored(plan, 2025).standard_id == "nd07_2021"  # an unchanged figure keeps its own


def test_a_header_standard_that_does_not_measure_the_year_is_refused_naming_sheet_and_cell_and_nothing_is_written(
    plan, vietnamese
):
    before = database_state()
    data = workbook_with(plan, standard_line="Chuẩn nghèo: 2027–2030 (Nghị định 351/2025/NĐ-CP)")
    result = read(data, plan, "01")
    assert not result.ok and result.changes == []
    messages = [str(problem) for problem in result.errors]
    assert len(messages) == 1
    row = standard_cell(open_workbook(data)[SHEET]).row
    assert f"Trang tính “{SHEET}”, dòng {row}" in messages[0]
    assert f"Ô A{row}" in messages[0]
    assert "Nghị định 351/2025/NĐ-CP" in messages[0] and "2026" in messages[0]
    assert database_state() == before


def test_a_header_line_naming_an_unknown_standard_is_refused_in_vietnamese(plan, vietnamese):
    result = read(workbook_with(plan, standard_line="Chuẩn nghèo: theo Nghị định 999/2030/NĐ-CP"), plan, "01")
    assert not result.ok
    assert "không" in str(result.errors[0]) and "Nghị định 999/2030/NĐ-CP" in str(result.errors[0])


def test_without_a_standard_line_a_changed_figure_keeps_its_standard_and_no_standard_is_imposed(plan):
    result = read(workbook_with(plan, standard_line=None), plan, "01")
    assert result.ok and [c.standard for c in result.changes] == [""]
    apply_changes(plan, result.changes)
    assert stored(plan).standard_id == "nd07_2021"

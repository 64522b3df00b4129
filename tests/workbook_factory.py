"""Workbooks built in tests: exports of a plan (one a test built, or a seed plan named by its slug), edited cell by
cell the way an official would.

The helpers find rows and columns by what a person reads (the row label, the column's group and
header), not by the export's coordinates, so that the tests check the layout rather than repeat it.
"""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from indicators.models import IndicatorValue
from kernel.text import normalize
from plans.models import HouseholdFigure, Plan
from spreadsheets.export import workbook_bytes
from spreadsheets.importing import ImportResult, read_workbook

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"


def as_plan(plan: Plan | str) -> Plan:
    """A plan given itself or by its slug."""
    return plan if isinstance(plan, Plan) else Plan.objects.get(slug=plan)


def export(plan: Plan | str, code: str | None = None) -> bytes:
    return workbook_bytes(as_plan(plan), code)


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(BytesIO(data))


def to_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_row(ws) -> int:
    for row in range(1, 30):
        if normalize(str(ws.cell(row=row, column=1).value or "")).casefold() == "stt":
            return row
    raise AssertionError(f"no header row in {ws.title}")


def find_row(ws, label: str) -> int:
    """The sheet row whose label (column B) is `label`, or ends with it (an indicator after its group heading)."""
    wanted = normalize(label)
    for row in range(header_row(ws) + 1, ws.max_row + 1):
        text = normalize(str(ws.cell(row=row, column=2).value or ""))
        if text == wanted or (len(wanted) > 20 and text.endswith(wanted)):
            return row
    raise AssertionError(f"no row “{label}” in {ws.title}")


def column_titles(ws) -> dict[str, int]:
    """Each column's title as a person names it (“Năm 2024 — Tổng số hộ nghèo”), resolving merged header cells."""
    top = header_row(ws)
    merged = {}
    for cell_range in ws.merged_cells.ranges:
        value = ws.cell(row=cell_range.min_row, column=cell_range.min_col).value
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(row, column)] = value
    two_rows = (top + 1, 1) in merged  # STT merged down over a two-row header
    titles = {}
    for column in range(1, ws.max_column + 1):
        upper = merged.get((top, column), ws.cell(row=top, column=column).value)
        lower = merged.get((top + 1, column), ws.cell(row=top + 1, column=column).value) if two_rows else None
        if lower is None or lower == upper:
            titles[str(upper)] = column
        else:
            titles[f"{upper} — {lower}"] = column
    return titles


def find_column(ws, title: str) -> int:
    titles = column_titles(ws)
    assert title in titles, f"no column “{title}” in {ws.title}: {list(titles)}"
    return titles[title]


def cell(ws, label: str, title: str):
    return ws.cell(row=find_row(ws, label), column=find_column(ws, title))


def edited(plan: Plan | str, code: str | None, edits: list[tuple[str, str, str, object]]) -> bytes:
    """An export with cells changed: (sheet, row label, column title, new value)."""
    workbook = open_workbook(export(plan, code))
    for sheet, label, title, value in edits:
        cell(workbook[sheet], label, title).value = value
    return to_bytes(workbook)


def read(data: bytes, plan: Plan | str, code: str | None = None, user=None) -> ImportResult:
    plan = as_plan(plan)
    appendix = plan.appendices.get(code=code) if code else None
    return read_workbook(BytesIO(data), size=len(data), plan=plan, appendix=appendix, user=user)


def database_state() -> list:
    """Every stored figure and indicator value, to show that a refused import wrote nothing."""
    figures = list(
        HouseholdFigure.objects.order_by("pk").values_list(
            "pk", "households", "poor_households", "near_poor_households", "published_rate", "planned_reduction"
        )
    )
    values = list(IndicatorValue.objects.order_by("pk").values_list("pk", "value", "value_as_written"))
    return [figures, values, HouseholdFigure.history.count(), IndicatorValue.history.count()]

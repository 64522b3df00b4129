"""The export's own saving of a workbook (spreadsheets.saving) writes the file openpyxl writes from the same cells.

The export keeps an appendix's data rows as values with their styles (a sheet's body) and writes every cell as
text; what an official opens must not change for it: each part of the file — the sheets with their cells, styles,
merges, row heights, print setup and footers, the findings and the hidden record of versions, the styles, the
workbook — is compared, byte for byte, with what openpyxl writes once the same rows are its cells.
"""

import datetime
import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.cell import Cell
from openpyxl.writer.excel import save_workbook as openpyxl_save

from plans.models import AppendixRow
from spreadsheets.export import plan_workbook
from spreadsheets.saving import ExportWorkbook

from .factories import make_household_plan
from .workbook_factory import HY, TTH, as_plan

pytestmark = pytest.mark.django_db

_NOW = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?")


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(BytesIO(data))
    # The time of saving, written twice in the file's properties, differs from one save to the next.
    return {name: _NOW.sub(b"<time>", archive.read(name)) for name in archive.namelist()}


def _saved_both_ways(build) -> tuple[bytes, bytes]:
    """The export's file of the workbook `build()` makes, then openpyxl's of the same workbook made again, its bodies'
    rows made cells of their sheets and their heights set (saving a workbook changes it: each is saved once)."""
    ours = BytesIO()
    build().save(ours)
    workbook = build()
    for ws, body in workbook.bodies.items():
        if body.rows:
            body.as_cells(body.first_row, 1, body.last_row, body.width)
        for row, height in body.heights.items():
            ws.row_dimensions[row].height = height
    theirs = BytesIO()
    openpyxl_save(workbook, theirs)
    return ours.getvalue(), theirs.getvalue()


@pytest.mark.parametrize(("slug", "code"), [(HY, None), (HY, "01"), (HY, "02"), (HY, "03"), (TTH, None)])
def test_the_export_writes_the_parts_openpyxl_writes_for_the_seed_plans(slug, code, vietnamese):
    # Hưng Yên's indicators bring rich text (a group heading in bold) and merged agency cells within the rows,
    # its policy tasks long wrapped text; Thừa Thiên Huế's table brings findings sheets.
    plan = as_plan(slug)
    ours, theirs = _saved_both_ways(lambda: plan_workbook(plan, code))
    assert _parts(ours).keys() == _parts(theirs).keys()
    for name, content in _parts(theirs).items():
        assert _parts(ours)[name] == content, name


def test_labels_that_look_like_formulas_errors_or_markup_are_written_as_openpyxl_writes_them(vietnamese):
    plan = make_household_plan(districts=5, slug="tinh-nhan-la")
    labels = ['=HYPERLINK("http://example.org","x")', "#N/A", "  lề hai bên  ", "A & B <C> \"d\" 'e'", "dòng 1\ndòng 2"]
    rows = list(AppendixRow.objects.filter(appendix__plan=plan, is_total=False).order_by("order"))
    for row, label in zip(rows, labels, strict=False):
        AppendixRow.objects.filter(pk=row.pk).update(label=label)
    ours, theirs = _saved_both_ways(lambda: plan_workbook(plan))
    assert _parts(ours) == _parts(theirs)
    sheet = load_workbook(BytesIO(ours)).worksheets[0]
    written = {sheet.cell(row, 2).value: sheet.cell(row, 2).data_type for row in range(1, sheet.max_row + 1)}
    assert written[labels[0]] == "s"  # text, never a live formula in the official's Excel
    assert written["#N/A"] == "e"  # as openpyxl types it
    assert "A & B <C> \"d\" 'e'" in written and "dòng 1\ndòng 2" in written


def test_a_cell_of_a_body_that_is_neither_text_nor_a_number_is_written_by_openpyxl(vietnamese):
    plan = make_household_plan(slug="tinh-ngay")
    rows = []

    def build():
        workbook = plan_workbook(plan)
        body = next(iter(workbook.bodies.values()))
        style = body.rows[0][2][3]
        rows.append(body.append([1, "Ngày", datetime.date(2024, 5, 6), True, 2.5], [style] * 5))
        assert isinstance(body.rows[-1][2], Cell) and isinstance(body.rows[-1][3], Cell)
        return workbook

    ours, theirs = _saved_both_ways(build)
    row = rows[0]
    assert _parts(ours) == _parts(theirs)
    sheet = load_workbook(BytesIO(ours)).worksheets[0]
    assert sheet.cell(row, 3).value == datetime.datetime(2024, 5, 6)
    assert sheet.cell(row, 4).value is True


@pytest.mark.parametrize(("slug", "code"), [(HY, None), (TTH, None)])
def test_the_exports_merges_give_the_cells_openpyxls_merge_gives(slug, code, vietnamese, monkeypatch):
    # ExportWorkbook.merge works out each edge's border once per workbook; openpyxl's merge_cells, for every cell.
    # Hưng Yên brings the header's merges over two rows, group headings and the agencies' cells merged down the
    # rows; Thừa Thiên Huế the findings sheet's titles.
    plan = as_plan(slug)
    ours = BytesIO()
    plan_workbook(plan, code).save(ours)

    def openpyxl_merge(self, ws, min_row, min_col, max_row, max_col):
        ws.merge_cells(start_row=min_row, start_column=min_col, end_row=max_row, end_column=max_col)

    monkeypatch.setattr(ExportWorkbook, "merge", openpyxl_merge)
    theirs = BytesIO()
    plan_workbook(plan, code).save(theirs)
    assert _parts(ours.getvalue()) == _parts(theirs.getvalue())
    sheet = load_workbook(BytesIO(ours.getvalue())).worksheets[0]
    assert sheet.merged_cells.ranges  # the comparison holds merges, not an empty list


def test_a_stylesheet_kept_from_an_earlier_export_is_used_only_for_a_workbook_of_the_same_styles(vietnamese):
    # The export keeps each styles.xml it writes, by the styles the workbook holds (spreadsheets.saving._STYLESHEETS),
    # and the borders its merges add up (_merged_border): a workbook of other styles between two of the same must
    # not be given the first one's, and the second of the same must be given what openpyxl writes for it.
    plan = as_plan(HY)
    files = {}
    for code in ("01", "02", "01"):
        ours, theirs = _saved_both_ways(lambda code=code: plan_workbook(plan, code))
        assert _parts(ours) == _parts(theirs), code
        files.setdefault(code, []).append(_parts(ours)["xl/styles.xml"])
    assert files["01"][0] == files["01"][1]
    assert files["01"][0] != files["02"][0]  # the table's styles and the indicators' differ: not one kept file

"""A workbook records the versions it was made from: importing a stale one never silently undoes a later change.

The story of issue 13: Hưng Yên's appendix is exported; someone then changes Phù Cừ's 2024 poor households
319 → 318; the first workbook, imported unchanged, must not put 319 back without anybody being told.
"""

from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from plans.models import HouseholdFigure, Plan
from spreadsheets.versions import VERSIONS_SHEET
from workflow.services import FigureEdit, save_figures

from .helpers_b_grids import post_confirmed
from .workbook_factory import HY, database_state, edited, export, open_workbook, read, to_bytes

pytestmark = pytest.mark.django_db

P01 = "Phụ lục 01"
POOR_2024 = "Năm 2024 — Tổng số hộ nghèo"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def phu_cu_2024() -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-phu-cu", year=2024, kind="target")


def change_phu_cu_in_the_grid_service(user, poor: int) -> None:
    figure = phu_cu_2024()
    edit = FigureEdit("phu-cu", figure.locality, 2024, "target", {"poor_households": poor}, version=figure.version)
    result = save_figures(user=user, plan=Plan.objects.get(slug=HY), edits=[edit], reason="rà soát lại")
    assert result.ok and result.changed == 1, result.errors


def workbook_to_file(tmp_path, data: bytes):
    path = tmp_path / "hy.xlsx"
    path.write_bytes(data)
    return path


def record_lines(sheet) -> list[str]:
    """The record's lines ("01 household 17 2024:target:3 …"), packed into the first column's cells from row 3."""
    return "\n".join(row[0] for row in sheet.iter_rows(min_row=3, max_col=1, values_only=True) if row[0]).split("\n")


def rewrite_record(sheet, rewrite) -> None:
    """Replace each line of the record by rewrite(line), as a person editing the hidden sheet would."""
    for row in sheet.iter_rows(min_row=3, max_col=1):
        if row[0].value:
            row[0].value = "\n".join(rewrite(line) for line in row[0].value.split("\n"))


def test_an_export_records_the_version_of_each_figure_in_a_very_hidden_protected_sheet():
    workbook = open_workbook(export(HY, "01"))
    record = workbook[VERSIONS_SHEET]
    assert record.sheet_state == "veryHidden"
    assert record.protection.sheet and record.protection.password
    rows = {int(line.split(" ")[2]): line.split(" ", 3)[3] for line in record_lines(record)}
    phu_cu = phu_cu_2024()
    assert f"2024:target:{phu_cu.version}" in rows[phu_cu.locality_id].split()
    assert all(line.startswith("01 household ") for line in record_lines(record))


def test_the_record_of_a_national_table_takes_a_few_cells_not_one_row_per_locality():
    """700 districts' versions fit in a few cells of at most 32.000 characters (Excel keeps 32.767 in a cell)."""
    from spreadsheets.versions import _packed

    lines = [f"01 household {owner} 2021:result:1 2022:result:1 2023:result:2 2024:target:1" for owner in range(704)]
    chunks = _packed(lines)
    assert len(chunks) < 5 and all(len(chunk) <= 32_000 for chunk in chunks)
    assert "\n".join(chunks).split("\n") == lines  # no line split or lost


def test_an_unchanged_export_still_imports_with_zero_changes_and_no_conflict_notice():
    result = read(export(HY), HY)
    assert result.ok and result.changes == [] and result.conflicts == []


def test_a_stale_workbook_is_a_conflict_naming_the_stored_value_who_changed_it_and_when(hung_yen_people):
    data = export(HY, "01")
    assert phu_cu_2024().poor_households == 319
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    result = read(data, HY, "01")
    assert result.ok and result.detects_conflicts
    assert [(c.label, c.year, c.column, c.stored, c.in_file) for c in result.conflicts] == [
        ("Phù Cừ", 2024, POOR_2024, "318", "319")
    ]
    conflict = result.conflicts[0]
    assert conflict.changed_by == "phucu (Huyện Phù Cừ)"
    assert conflict.changed_at  # dd/mm/yyyy HH:MM
    assert "changed to 318 by phucu (Huyện Phù Cừ)" in str(conflict)


def test_a_stale_workbook_is_refused_by_the_command_with_exit_1_and_nothing_written(tmp_path, hung_yen_people):
    path = workbook_to_file(tmp_path, export(HY, "01"))
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    before = database_state()
    err = StringIO()
    with pytest.raises(CommandError, match="would undo changes made since it was exported"):
        call_command("import_appendix", HY, str(path), stdout=StringIO(), stderr=err)
    assert "Phù Cừ" in err.getvalue() and "318" in err.getvalue()
    assert database_state() == before and phu_cu_2024().poor_households == 318


def test_only_a_reviewer_with_a_reason_may_override_the_conflicts_and_the_history_says_so(tmp_path, hung_yen_people):
    path = workbook_to_file(tmp_path, export(HY, "01"))
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    args = ["import_appendix", HY, str(path), "--override-conflicts"]
    with pytest.raises(CommandError, match="Only a reviewer"):
        call_command(*args, "--user", "phucu", "--reason", "x", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="Only a reviewer"):  # the operator without an account neither
        call_command(*args, "--reason", "x", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="Say why"):
        call_command(*args, "--user", "ldtbxh", stdout=StringIO(), stderr=StringIO())
    assert phu_cu_2024().poor_households == 318
    call_command(
        *args,
        "--user",
        "ldtbxh",
        "--reason",
        "số liệu của Sở",
        "--accept-warnings",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    figure = phu_cu_2024()
    assert figure.poor_households == 319
    last = figure.history.order_by("-history_date", "-history_id").first()
    assert last.history_user.username == "ldtbxh"
    assert last.history_change_reason.startswith("số liệu của Sở (import of hy.xlsx; overriding 1 figures")
    assert "318 → 319" in last.history_change_reason


def test_a_workbook_without_the_record_imports_as_before_and_says_it_cannot_detect_conflicts(hung_yen_people):
    workbook = load_workbook(BytesIO(export(HY, "01")))
    del workbook[VERSIONS_SHEET]  # made by hand, or by an older version
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    result = read(to_bytes(workbook), HY, "01")
    assert result.ok and result.conflicts == [] and not result.detects_conflicts
    assert [(c.label, c.display_old, c.display_new) for c in result.changes] == [("Phù Cừ", "318", "319")]
    assert "cannot be detected" in str(result.notices[0])


def test_an_altered_record_is_not_trusted_and_the_preview_says_so():
    workbook = load_workbook(BytesIO(edited(HY, "01", [(P01, "Phù Cừ", POOR_2024, 317)])))
    workbook[VERSIONS_SHEET]["A3"] = "garbage"
    result = read(to_bytes(workbook), HY, "01")
    assert result.ok and not result.detects_conflicts
    assert "has been altered" in str(result.notices[0])


def test_a_figure_created_after_the_export_is_a_conflict_too(hung_yen_people):
    data = edited(HY, "01", [(P01, "Phù Cừ", POOR_2024, 317)])
    figure = phu_cu_2024()
    figure.delete()  # as if it did not exist when the file was made …
    workbook = load_workbook(BytesIO(data))

    def forget_2024_target(line: str) -> str:
        if line.split(" ")[2] != str(figure.locality_id):
            return line
        return " ".join(item for item in line.split(" ") if not item.startswith("2024:target:"))

    rewrite_record(workbook[VERSIONS_SHEET], forget_2024_target)
    HouseholdFigure.objects.create(
        plan=figure.plan, locality=figure.locality, year=2024, kind="target", households=30000, poor_households=300
    )  # … and was entered by somebody since
    result = read(to_bytes(workbook), HY, "01")
    stale = [c for c in result.conflicts if c.label == "Phù Cừ"]
    assert POOR_2024 in [c.column for c in stale] and {c.year for c in stale} == {2024}


def test_changes_to_figures_nobody_else_touched_are_not_conflicts(hung_yen_people):
    data = edited(HY, "01", [(P01, "Tiên Lữ", POOR_2024, 300)])
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    result = read(data, HY, "01")
    # Phù Cừ's 319 in the file now differs from the stored 318: that cell is a conflict; Tiên Lữ's is not.
    assert {c.label for c in result.conflicts} == {"Phù Cừ"}
    assert {c.label for c in result.changes} == {"Phù Cừ", "Tiên Lữ"}


# --- end to end: export → change in the grid → import refused → override by a reviewer --------------------


def grid_values(client, url) -> dict:
    from .helpers_b_grids import FormInputs

    response = client.get(url)
    assert response.status_code == 200
    parser = FormInputs()
    parser.feed(response.content.decode())
    return parser.values


def test_stale_workbook_end_to_end_through_the_site(client, hung_yen_people):
    official, reviewer = hung_yen_people["official"], hung_yen_people["reviewer"]
    client.force_login(official)
    export_url = reverse("spreadsheets:export_appendix", args=[HY, "01"])
    first_file = b"".join(client.get(export_url).streaming_content)

    # Phù Cừ's 2024 target, 319 → 318, in the grid.
    grid = reverse("editing:districts_edit", args=[HY]) + "?kind=target&year=2024"
    values = grid_values(client, grid)
    field = f"f{phu_cu_2024().locality_id}-poor_households"
    assert values[field] == "319"
    values[field] = "318"
    assert post_confirmed(client, grid, values).status_code == 302  # the rate and the total move: confirmed
    assert phu_cu_2024().poor_households == 318

    # The official uploads the first file again: the preview names the conflict and offers no way to save.
    import_url = reverse("spreadsheets:import_appendix", args=[HY, "01"])
    upload = SimpleUploadedFile("hy.xlsx", first_file)
    page = client.post(import_url, {"workbook": upload}).content.decode()
    assert "changed by someone else after this workbook was made" in page
    assert "phucu (Huyện Phù Cừ)" in page and 'name="confirm"' not in page
    assert client.post(import_url, {"confirm": "1", "token": "x"}).status_code == 302
    assert phu_cu_2024().poor_households == 318

    # The reviewer uploads it: the override needs the box ticked and a reason, and is recorded.
    client.force_login(reviewer)
    page = client.post(import_url, {"workbook": SimpleUploadedFile("hy.xlsx", first_file)}).content.decode()
    assert 'name="override"' in page
    token = client.session[f"workbook-import:{HY}:01"]["token"]
    refused = client.post(import_url, {"confirm": "1", "token": token, "reason": "theo báo cáo"})
    assert refused.status_code == 400 and phu_cu_2024().poor_households == 318
    refused = client.post(import_url, {"confirm": "1", "token": token, "override": "1", "reason": ""})
    assert refused.status_code == 400 and phu_cu_2024().poor_households == 318
    confirm = {"confirm": "1", "token": token, "override": "1", "reason": "theo báo cáo", "warnings_read": "1"}
    saved = client.post(import_url, confirm)
    assert saved.status_code == 302
    figure = phu_cu_2024()
    assert figure.poor_households == 319
    last = figure.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == reviewer and "overriding 1 figures" in last.history_change_reason


def test_a_workbook_of_the_first_record_format_still_detects_a_conflict(hung_yen_people):
    """Files exported before the record was packed (one row of four cells per appendix row) keep their protection."""
    data = edited(HY, "01", [(P01, "Phù Cừ", POOR_2024, 317)])
    workbook = load_workbook(BytesIO(data))
    packed = workbook[VERSIONS_SHEET]
    lines, (_marker, slug, made_at) = record_lines(packed), next(packed.iter_rows(max_row=1, values_only=True))[:3]
    workbook.remove(packed)
    sheet = workbook.create_sheet(VERSIONS_SHEET)
    sheet.append(["povertyplan versions 1", slug, made_at])
    sheet.append(["appendix", "target", "owner", "versions"])
    for line in lines:
        code, target, owner, *shown = line.split(" ", 3)
        sheet.append([code, target, int(owner), shown[0] if shown else None])
    change_phu_cu_in_the_grid_service(hung_yen_people["official"], 318)
    result = read(to_bytes(workbook), HY, "01")
    assert result.detects_conflicts
    assert [(c.label, c.year) for c in result.conflicts] == [("Phù Cừ", 2024)]

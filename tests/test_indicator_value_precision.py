"""Issue 14, point 5, for indicator values: a value keeps the decimals the document printed it with ("9,7" stays
"9,7", "9,70" stays "9,70", "100" stays "100") on the pages, in the appendix workbook and in the downloads, while
every computation uses the value itself; messages about a stored value show it as printed too."""

import csv
import importlib
import io
from decimal import Decimal

import pytest
import yaml
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from analysis.quality import check_plan
from indicators.models import IndicatorValue, PlanIndicator, ValueKind
from plan_tables.selectors import indicator_table
from plans.models import HouseholdFigure, Plan
from seeding.seeds import FIXTURES_DIR
from spreadsheets.importing import apply_changes
from workflow.models import Role
from workflow.services import FigureEdit, ValueEdit, save_figures, save_indicator_values

from .factories import make_indicator_plan, make_role_user
from .helpers_a_html import parse
from .workbook_factory import HY, TTH, cell, export, open_workbook, read, to_bytes

pytestmark = pytest.mark.django_db


# --- the seed documents: every value as printed --------------------------------------------------------------


def printed_seed_values() -> list[tuple[str, str, int, str, str]]:
    """(plan slug, indicator code, year, kind, the value's text as the document prints it) of both seed plans, read
    from the seed files as the loader reads them: an appendix's cells, then the values the plan's text states."""
    printed = []
    for path in sorted((FIXTURES_DIR / "plans").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        appendices = {str(appendix["code"]): appendix for appendix in data.get("appendices") or []}
        for item in data.get("indicators") or []:
            texts = {}
            if item.get("appendix"):
                columns = [c for c in appendices[str(item["appendix"])]["columns"] if c.get("year")]
                for column, text in zip(columns, item.get("cells") or [], strict=True):
                    texts[(column["year"], column["kind"])] = text
            for entry in item.get("values") or []:
                texts[(entry["year"], entry.get("kind", "target"))] = entry["value"]
            printed += [(data["plan"]["slug"], item["indicator"], *key, text) for key, text in texts.items()]
    return printed


def places_of(text: str) -> int:
    return len(text.split(",", 1)[1]) if "," in text else 0


def plain(text: str) -> str:
    """A printed figure as the CSV writes it: "9,7" → "9.7", "2.050" → "2050"."""
    return text.replace(".", "").replace(",", ".")


# The values whose printed decimals are not the two the database stores: a formatter that shows the stored scale
# would print "9,70" for "9,7" and "100,00" for "100". Every one of them is checked where it is shown again.
NOT_TWO_PLACES = [item for item in printed_seed_values() if places_of(item[4]) != 2]


def test_the_seed_documents_print_most_indicator_values_with_other_than_two_decimals():
    """Seed fidelity: the list the checks below walk is the documents' own, e.g. Hưng Yên's "9,7" and "100" (Phụ lục
    02), Thừa Thiên Huế's "72,5" and "2.050" (its text)."""
    texts = {(slug, code, year, text) for slug, code, year, _kind, text in NOT_TWO_PLACES}
    assert {
        (HY, "underweight-children", 2022, "9,7"),
        (HY, "stunted-children", 2023, "20,6"),
        (HY, "employment-support", 2025, "100"),
        (HY, "poverty-rate", 2025, "0,5"),
        (TTH, "trained-workers", 2024, "72,5"),
        (TTH, "workers-abroad", 2024, "2.050"),
    } <= texts
    assert len(NOT_TWO_PLACES) > 50


def test_every_seed_value_records_the_decimals_the_document_printed():
    for slug, code, year, kind, text in printed_seed_values():
        value = IndicatorValue.objects.get(
            plan_indicator__plan__slug=slug, plan_indicator__indicator__code=code, year=year, kind=kind
        )
        assert value.value_places == places_of(text), (slug, code, year, text)


def codes_in_order(slug: str) -> list[str]:
    """The indicators' codes in the order the indicator page and its downloads list them."""
    table = indicator_table(Plan.objects.get(slug=slug))
    return [row.plan_indicator.indicator.code for group in table.groups for row in group.rows]


def indicator_page_cells(client, slug: str) -> dict[tuple[str, int, str], str]:
    """(indicator code, year, kind) → the figure the indicator page shows (the qualifier word before it left out)."""
    years = indicator_table(Plan.objects.get(slug=slug)).years
    html = client.get(reverse("reports:indicators", args=[slug])).content.decode()
    rows = [row for row in parse(html).find("table", class_="data").find_all("tr") if row.find_all("td")]
    shown = {}
    for code, row in zip(codes_in_order(slug), rows, strict=True):
        for (year, kind), td in zip(years, row.find_all("td")[2 : 2 + len(years)], strict=True):
            first = td.children[0].strip() if td.children and isinstance(td.children[0], str) else ""
            shown[(code, year, kind)] = first.split()[-1] if first else ""
    return shown


def plan_indicator_text(slug: str, code: str) -> str:
    return PlanIndicator.objects.get(plan__slug=slug, indicator__code=code).text


def in_appendix(slug: str) -> list[tuple]:
    """The values of NOT_TWO_PLACES that an appendix of the plan prints (not those stated in its text only)."""
    codes = set(
        PlanIndicator.objects.filter(plan__slug=slug, appendix__isnull=False).values_list("indicator__code", flat=True)
    )
    return [item for item in NOT_TWO_PLACES if item[0] == slug and item[1] in codes]


@pytest.mark.parametrize("slug", [HY, TTH])
def test_the_indicator_page_shows_every_seed_value_exactly_as_printed(client, slug):
    shown = indicator_page_cells(client, slug)
    for _slug, code, year, kind, text in [item for item in NOT_TWO_PLACES if item[0] == slug]:
        assert shown[(code, year, kind)] == text, (code, year)


def test_the_plan_page_prints_phu_luc_02_exactly_as_the_document(client):
    html = client.get(reverse("reports:plan", args=[HY])).content.decode()
    rows = {}
    for table in parse(html).find_all("table"):
        for row in table.find_all("tr"):
            cells = [cell.text for cell in row.find_all() if cell.tag in ("td", "th")]
            if len(cells) == 8:  # Phụ lục 02: Stt, indicator, unit, four years, responsible
                rows[cells[1]] = cells[3:7]
    checked = 0
    for _slug, code, year, _kind, text in in_appendix(HY):
        label = next(label for label in rows if label.endswith(plan_indicator_text(HY, code)[-40:]))
        assert rows[label][year - 2022] == text, (code, year)
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("slug", [HY, TTH])
def test_the_indicator_csv_writes_every_seed_value_as_printed_as_a_plain_number(client, slug):
    response = client.get(reverse("reports:indicators_csv", args=[slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    years = indicator_table(Plan.objects.get(slug=slug)).years
    by_code = {code: row[3 : 3 + len(years)] for code, row in zip(codes_in_order(slug), rows[1:], strict=True)}
    for _slug, code, year, kind, text in [item for item in NOT_TWO_PLACES if item[0] == slug]:
        assert by_code[code][years.index((year, kind))] == plain(text), (code, year)


def test_the_indicator_excel_download_formats_each_value_with_its_printed_decimals(client):
    response = client.get(reverse("reports:indicators_xlsx", args=[HY]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = list(sheet.iter_rows(min_row=2))[codes_in_order(HY).index("underweight-children")]
    first_year = header.index(next(h for h in header if h and "2022" in str(h)))
    assert [c.number_format for c in row[first_year : first_year + 4]] == ["#,##0.0"] * 3 + ["#,##0"]
    assert [c.value for c in row[first_year : first_year + 4]] == [9.7, 9.8, 9.6, 9]


def test_the_appendix_workbook_shows_every_value_of_phu_luc_02_as_printed():
    ws = open_workbook(export(HY))["Phụ lục 02"]
    titles = {2022: "Kết quả năm 2022", 2023: "Năm 2023", 2024: "Năm 2024", 2025: "Năm 2025"}
    for _slug, code, year, _kind, text in in_appendix(HY):
        shown = cell(ws, plan_indicator_text(HY, code), titles[year])
        places = places_of(text)
        assert shown.number_format == "#,##0" + ("." + "0" * places if places else ""), (code, year)
        assert Decimal(str(shown.value)) == Decimal(plain(text))


# --- typed values keep their decimals; computations use the value ----------------------------------------------


@pytest.fixture
def indicator_plan():
    return make_indicator_plan(slug="thu-so-le", dimensions=1, indicators_per_dimension=1)


def first_target(plan: Plan, year: int = 2023) -> IndicatorValue:
    return IndicatorValue.objects.get(plan_indicator__plan=plan, year=year, kind=ValueKind.TARGET)


def save_value(plan, value: IndicatorValue, typed: Decimal, **extra):
    edit = ValueEdit(
        key="v",
        plan_indicator=value.plan_indicator,
        year=value.year,
        kind=value.kind,
        values={"value": typed},
        version=value.version,
        **extra,
    )
    return save_indicator_values(user=None, plan=plan, edits=[edit])


def test_a_value_typed_with_a_final_zero_is_shown_with_it_everywhere(client, indicator_plan, vietnamese):
    target = first_target(indicator_plan)
    assert save_value(indicator_plan, target, Decimal("62.50")).ok  # "62,50" as typed in the grid or the admin
    target.refresh_from_db()
    assert target.value_places == 2 and target.value == Decimal("62.5")
    code = target.plan_indicator.indicator.code
    assert indicator_page_cells(client, indicator_plan.slug)[(code, 2023, "target")] == "62,50"
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("reports:indicators_csv", args=[indicator_plan.slug])).content.decode()),
            delimiter=";",
        )
    )
    assert "62.50" in rows[1]
    shown = cell(open_workbook(export(indicator_plan))["Phụ lục 02"], target.plan_indicator.text, "Năm 2023")
    assert shown.number_format == "#,##0.00"
    assert target.value_as_written == "62,50"  # its wording follows the value as typed


def test_a_value_saved_again_without_a_change_keeps_its_printed_decimals(indicator_plan, vietnamese):
    target = first_target(indicator_plan)
    IndicatorValue.objects.filter(pk=target.pk).update(value=Decimal("62.50"), value_places=2)
    target.refresh_from_db()
    edit = ValueEdit("v", target.plan_indicator, 2023, "target", {"value": Decimal("62.5"), "qualifier": "about"})
    edit.version = target.version
    assert save_indicator_values(user=None, plan=indicator_plan, edits=[edit]).ok
    target.refresh_from_db()
    assert target.qualifier == "about" and target.value_places == 2  # the same number: how it was printed stays
    assert save_value(indicator_plan, target, Decimal("63")).ok
    target.refresh_from_db()
    assert target.value_places == 0


def test_the_grid_shows_a_stored_value_as_printed(client, indicator_plan, vietnamese):
    target = first_target(indicator_plan)
    IndicatorValue.objects.filter(pk=target.pk).update(value=Decimal("62.50"), value_places=2)
    client.force_login(make_role_user(Role.REVIEWER, province=indicator_plan.province))
    html = client.get(reverse("editing:indicators_edit", args=[indicator_plan.slug]), {"kind": "target"})
    field = parse(html.content.decode()).find("input", name=f"i{target.plan_indicator_id}-value_2023")
    assert field["value"] == "62,50"


def test_an_imported_value_keeps_the_decimals_its_cell_shows(vietnamese):
    """Hưng Yên's stunting target 2024 (20,3) typed as the number 20.5 in a cell formatted with two decimals."""
    workbook = open_workbook(export(HY))
    text = plan_indicator_text(HY, "stunted-children")
    target = cell(workbook["Phụ lục 02"], text, "Năm 2024")
    target.value, target.number_format = 20.5, "#,##0.00"
    result = read(to_bytes(workbook), HY)
    assert result.ok, [str(problem) for problem in result.errors]
    assert [change.display_old + " → " + change.display_new for change in result.changes] == ["20,3 → 20,50"]
    assert apply_changes(Plan.objects.get(slug=HY), result.changes) == 1
    stored = IndicatorValue.objects.get(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="stunted-children", year=2024
    )
    assert stored.value == Decimal("20.5") and stored.value_places == 2


def test_the_data_migration_records_the_seed_values_places_on_a_database_loaded_before():
    IndicatorValue.objects.update(value_places=None)
    IndicatorValue.objects.filter(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="underweight-children", year=2023
    ).update(value=Decimal("9.5"))  # edited since: left alone
    importlib.import_module("indicators.migrations.0004_seed_value_places").record_places(apps, None)
    for slug, code, year, kind, text in printed_seed_values():
        value = IndicatorValue.objects.get(
            plan_indicator__plan__slug=slug, plan_indicator__indicator__code=code, year=year, kind=kind
        )
        expected = None if (code, year) == ("underweight-children", 2023) else places_of(text)
        assert value.value_places == expected, (slug, code, year)


def test_the_history_of_a_value_shows_it_as_printed(admin_client):
    value = IndicatorValue.objects.get(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="underweight-children", year=2022
    )
    url = reverse("review:object_history", args=[HY, "value", value.pk])
    text = parse(admin_client.get(url).content.decode()).find("main").text
    assert "9,7" in text and "9,70" not in text


# --- messages about stored figures show them as printed (issue 14, gap 2) ------------------------------------


def test_a_value_conflict_names_the_stored_value_as_printed(indicator_plan, vietnamese):
    target = first_target(indicator_plan)
    IndicatorValue.objects.filter(pk=target.pk).update(value=Decimal("62.5"), value_places=1)
    target.refresh_from_db()
    result = save_value(indicator_plan, target, Decimal("64"), expected={"value": Decimal("61")})
    assert len(result.conflicts) == 1
    assert "giá trị: 62,5)" in result.conflicts[0].message and "62,50" not in result.conflicts[0].message


def test_a_figure_conflict_names_the_stored_rate_as_printed(vietnamese):
    kim_dong = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    edit = FigureEdit(
        key="k",
        locality=kim_dong.locality,
        year=2023,
        kind="target",
        values={"poor_households": 480, "published_rate": Decimal("1.18")},
        version=kim_dong.version - 1 if kim_dong.version > 1 else kim_dong.version + 1,
    )
    result = save_figures(user=None, plan=kim_dong.plan, edits=[edit])
    assert len(result.conflicts) == 1
    message = result.conflicts[0].message
    assert "1,2" in message and "1,20" not in message


def test_a_rate_finding_shows_the_published_rate_as_printed_and_the_recomputed_one_with_two_decimals(vietnamese):
    """Kim Động 2023, printed "1,2": with 500 poor households in place of 490 the counts give 1,22."""
    kim_dong = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    HouseholdFigure.objects.filter(pk=kim_dong.pk).update(poor_households=500)
    finding = next(
        f
        for f in check_plan(Plan.objects.get(slug=HY))
        if f.row == "Kim Động" and "2023" in f.column and f.rule == "rate_from_counts"
    )
    assert (finding.published_text, finding.computed_text, finding.difference_text) == ("1,2", "1,22", "-0,02")
    assert "công bố 1,2," in finding.message and "1,20" not in finding.message


def test_a_direction_finding_shows_both_values_as_printed(vietnamese):
    """A falling indicator whose 2024 target (9,6 in Hưng Yên's Phụ lục 02) is raised to 9,9: “9,9 after 9,8”."""
    IndicatorValue.objects.filter(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="underweight-children", year=2024
    ).update(value=Decimal("9.9"), value_places=1)
    finding = next(
        f
        for f in check_plan(Plan.objects.get(slug=HY))
        if f.rule == "target_follows_direction" and f.column == "2024" and "cân nặng" in f.row
    )
    assert (finding.published_text, finding.computed_text, finding.difference_text) == ("9,9", "9,8", "+0,1")

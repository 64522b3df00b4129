"""Issue 14, point 5: a figure keeps the decimals the document printed it with ("1,2" stays "1,2") on the pages, in
the workbook and in the downloads, while every computation uses the value itself."""

import csv
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from analysis.quality import check_plan
from kernel.numbers import format_rate, plain_rate
from plan_tables.household import household_table
from plans.models import HouseholdFigure, Plan
from spreadsheets.importing import apply_changes
from spreadsheets.sheets import _as_formatted
from workflow.models import Role
from workflow.services import FigureEdit, save_figures

from .factories import (
    AppendixFactory,
    AppendixRowFactory,
    DistrictFactory,
    PlanFactory,
    make_household_plan,
    make_role_user,
)
from .helpers_a_html import parse
from .workbook_factory import HY, TTH, cell, export, open_workbook, read, to_bytes

pytestmark = pytest.mark.django_db


def first_district_figure(plan: Plan, year: int = 2021) -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan=plan, locality__slug=f"{plan.slug}-huyen-1", year=year)


@pytest.fixture
def one_decimal_plan(small_plan):
    """The small plan, its first district's 2021 rate (500 of 10.000 households: 5 %) printed "5,0"."""
    HouseholdFigure.objects.filter(pk=first_district_figure(small_plan).pk).update(published_rate_places=1)
    return small_plan


def district_row(html: str, name: str) -> list[str]:
    for row in parse(html).find("tbody").find_all("tr"):
        cells = [cell.text for cell in row.children if not isinstance(cell, str)]
        if name in cells:
            return cells
    raise AssertionError(f"no row {name}")


# --- the value and its places ----------------------------------------------------------------------------


def test_a_rate_is_written_with_the_decimals_it_carries(vietnamese):
    assert format_rate(Decimal("1.2")) == "1,2"
    assert format_rate(Decimal("1.20")) == "1,20"
    assert format_rate(Decimal("2.27")) == "2,27"
    assert plain_rate(Decimal("1.2")) == "1.2"
    assert format_rate(2.5) == "2,50"  # a float carries no places of its own: the usual two


def test_the_published_rate_as_printed_is_the_same_number_with_the_printed_decimals(small_plan):
    figure = first_district_figure(small_plan)
    figure.published_rate_places = 1
    assert str(figure.published_rate_as_printed) == "5.0"
    assert figure.published_rate_as_printed == figure.published_rate == Decimal("5.00")


STORED_RATES = ["0", "0.05", "0.1", "1.2", "2.27", "3", "33.33", "99.99", "100", "2.27", "0.30", None]


def test_the_table_read_as_values_holds_each_stored_rate_as_the_model_reads_it(small_plan):
    # The table converts each distinct stored value once (plan_tables.household._stored_rates): every figure must
    # still hold the model's own value, its decimals included, the same value read twice alike.
    figures = list(HouseholdFigure.objects.filter(plan=small_plan).order_by("pk"))
    assert len(figures) >= len(STORED_RATES)
    for figure, rate in zip(figures, STORED_RATES, strict=False):
        HouseholdFigure.objects.filter(pk=figure.pk).update(published_rate=None if rate is None else Decimal(rate))
    table = household_table(small_plan.appendices.get(code="01"), with_figures=False)
    read = {
        (row.locality_id, *key): values.published_rate
        for row in table.published_order
        for key, values in row.figures.items()
    }
    for figure in HouseholdFigure.objects.filter(plan=small_plan):
        stored = read[(figure.locality_id, figure.year, figure.kind)]
        assert repr(stored) == repr(figure.published_rate), (figure.pk, stored, figure.published_rate)


def test_a_rate_with_more_than_two_places_recorded_is_refused_with_a_vietnamese_message(small_plan, vietnamese):
    figure = first_district_figure(small_plan)
    figure.published_rate_places = 3
    with pytest.raises(Exception) as refused:
        figure.full_clean()
    assert "Tỷ lệ được công bố với tối đa hai chữ số thập phân." in str(refused.value)


# --- where the figure is shown again ------------------------------------------------------------------------


def test_the_district_page_shows_the_rate_with_the_decimals_the_document_printed(client, one_decimal_plan):
    response = client.get(reverse("reports:districts", args=[one_decimal_plan.slug]), {"year": 2021})
    assert district_row(response.content.decode(), "Huyện Số 1")[-1] == "5,0"
    assert district_row(response.content.decode(), "Huyện Số 2")[-1] == "4,96"


def test_the_csv_writes_the_rate_with_the_printed_decimals_as_a_plain_number(client, one_decimal_plan):
    response = client.get(reverse("reports:districts_csv", args=[one_decimal_plan.slug]), {"year": 2021})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["1", "Huyện Số 1", "10000", "500", "5.0"]
    assert rows[2][-1] == "4.96"


def test_the_excel_download_formats_the_rate_with_the_printed_decimals(client, one_decimal_plan):
    response = client.get(reverse("reports:districts_xlsx", args=[one_decimal_plan.slug]), {"year": 2021})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["E2"].value == 5 and sheet["E2"].number_format == "0.0"
    assert sheet["E3"].number_format == "0.00"


def test_the_appendix_workbook_formats_the_rate_with_the_printed_decimals(one_decimal_plan):
    ws = open_workbook(export(one_decimal_plan.slug))["Phụ lục 01"]
    rate = cell(ws, "Huyện Số 1", "Năm 2021 — Tỷ lệ hộ nghèo (%)")
    assert rate.value == 5 and rate.number_format == "0.0"
    assert cell(ws, "Huyện Số 2", "Năm 2021 — Tỷ lệ hộ nghèo (%)").number_format == "0.00"


def test_the_computed_total_uses_the_exact_values_whatever_their_printed_decimals(client, one_decimal_plan):
    response = client.get(reverse("reports:districts_csv", args=[one_decimal_plan.slug]), {"year": 2021})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[-1][2:] == ["30300", "1503", "4.96"]  # as before: the places change nothing in the sums


# --- the seeds, the grid and the import record the places as written ---------------------------------------


def test_hung_yen_prints_kim_dong_2023_as_1_2_and_the_page_and_workbook_keep_it(client):
    """Seed fidelity: Phụ lục 01 of Hưng Yên prints "1,2" for Kim Động's 2023 target; its other rates two decimals."""
    kim_dong = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    assert kim_dong.published_rate_places == 1
    assert set(
        HouseholdFigure.objects.filter(plan__slug=HY)
        .exclude(pk=kim_dong.pk)
        .values_list("published_rate_places", flat=True)
    ) == {2}
    html = client.get(reverse("reports:districts", args=[HY]), {"year": 2023}).content.decode()
    assert district_row(html, "Kim Động")[-1] == "1,2"
    rate = cell(open_workbook(export(HY))["Phụ lục 01"], "Kim Động", "Năm 2023 — Tỷ lệ hộ nghèo (%)")
    assert rate.number_format == "0.0" and rate.value == pytest.approx(1.2)


def test_the_data_check_compares_the_value_not_its_printed_decimals():
    """Kim Động 2023: 490 poor of 40.820 households is 1,20 %, printed "1,2": not a finding."""
    findings = check_plan(Plan.objects.get(slug=HY))
    assert not [f for f in findings if f.row == "Kim Động" and "2023" in f.column and f.rule == "rate_from_counts"]


def typed_rate_plan() -> tuple[Plan, object]:
    """A plan whose appendix publishes poor households and rates only (as Thừa Thiên Huế's): the rate is typed."""
    plan = PlanFactory(slug="tinh-ty-le", first_year=2023, last_year=2024)
    columns = [
        {"header": "Số hộ nghèo", "year": 2023, "kind": "result", "field": "poor_households"},
        {"header": "Tỷ lệ (%)", "year": 2023, "kind": "result", "field": "poverty_rate"},
    ]
    appendix = AppendixFactory(plan=plan, code="01", kind="household_figures", columns=columns)
    district = DistrictFactory(parent=plan.province, name="Huyện Tỷ Lệ", slug="huyen-ty-le")
    AppendixRowFactory(appendix=appendix, locality=district, order=0, number="1")
    return plan, district


@pytest.mark.parametrize(("typed", "places", "shown"), [(Decimal("3.5"), 1, "3,5"), (Decimal("3.50"), 2, "3,50")])
def test_the_write_service_records_the_decimals_a_rate_was_typed_with(typed, places, shown, vietnamese):
    plan, district = typed_rate_plan()
    edit = FigureEdit(
        key="k",
        locality=district,
        year=2023,
        kind="result",
        values={"published_rate": typed},
        version=stored_version(plan, district),
    )
    assert save_figures(user=None, plan=plan, edits=[edit]).ok
    figure = HouseholdFigure.objects.get(plan=plan, locality=district)
    assert figure.published_rate_places == places
    assert format_rate(figure.published_rate_as_printed) == shown


def test_the_grid_shows_a_typed_rate_with_its_printed_decimals_and_keeps_them(client, vietnamese):
    plan, district = typed_rate_plan()
    HouseholdFigure.objects.create(
        plan=plan,
        locality=district,
        year=2023,
        kind="result",
        poor_households=300,
        published_rate=Decimal("1.2"),
        published_rate_places=1,
    )
    client.force_login(_reviewer(plan))
    html = client.get(reverse("editing:districts_edit", args=[plan.slug]), {"year": 2023, "kind": "result"})
    field = parse(html.content.decode()).find("input", name=f"f{district.pk}-published_rate")
    assert field["value"] == "1,2" and field["inputmode"] == "decimal"


def _reviewer(plan):
    return make_role_user(Role.REVIEWER, province=plan.province)


def test_a_number_typed_in_a_spreadsheet_keeps_the_decimals_its_cell_shows():
    sheet = Workbook().active
    sheet["A1"] = 3.5
    sheet["A1"].number_format = "0.00"
    sheet["A2"] = 3.5
    sheet["A2"].number_format = "0.0"
    sheet["A3"] = "3,5"
    assert str(_as_formatted(sheet["A1"], Decimal("3.5"))) == "3.50"
    assert str(_as_formatted(sheet["A2"], Decimal("3.5"))) == "3.5"
    assert str(_as_formatted(sheet["A3"], Decimal("3.5"))) == "3.5"  # text carries its own decimals


def test_the_data_migration_records_the_seed_plans_places_on_a_database_loaded_before():
    HouseholdFigure.objects.filter(plan__slug=HY).update(published_rate_places=None)
    migration = importlib.import_module("plans.migrations.0009_seed_rate_places")
    migration.record_places(apps, None)
    kim_dong = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    assert kim_dong.published_rate_places == 1
    assert not HouseholdFigure.objects.filter(plan__slug=HY, published_rate_places__isnull=True).exists()


def test_the_data_migration_leaves_an_edited_rate_alone():
    HouseholdFigure.objects.filter(plan__slug=HY).update(published_rate_places=None)
    HouseholdFigure.objects.filter(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target").update(
        published_rate=Decimal("1.35")
    )
    importlib.import_module("plans.migrations.0009_seed_rate_places").record_places(apps, None)
    edited = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    assert edited.published_rate_places is None


def test_a_plan_made_here_keeps_two_decimals_where_nothing_was_recorded(client):
    plan = make_household_plan(slug="tinh-hai-so")
    html = client.get(reverse("reports:districts", args=[plan.slug]), {"year": 2021}).content.decode()
    assert district_row(html, "Huyện Số 1")[-1] == "5,00"


def test_the_history_of_a_figure_shows_its_rate_as_printed(admin_client):
    kim_dong = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-kim-dong", year=2023, kind="target")
    url = reverse("review:object_history", args=[HY, "figure", kim_dong.pk])
    text = parse(admin_client.get(url).content.decode()).find("main").text
    assert "1,2" in text and "1,20" not in text


# --- a form that shows a rate without its final zeros does not rewrite how it was printed ---------------------


def stored_version(plan, district):
    """The version a person editing the 2023 figure would have read (None before there is one)."""
    figure = HouseholdFigure.objects.filter(plan=plan, locality=district, year=2023).first()
    return figure.version if figure else None


def admin_figure_data(figure, **values) -> dict:
    data = {
        "plan": figure.plan_id,
        "locality": figure.locality_id,
        "year": figure.year,
        "kind": figure.kind,
        "standard": figure.standard_id,
        "version_seen": figure.version,
        "households": figure.households,
        "poor_households": figure.poor_households,
        "near_poor_households": "",
        "published_rate": "",
        "planned_reduction": "",
        "note": "changed in the admin",
    }
    return {**data, **values}


def test_the_admin_shows_the_rate_as_printed_and_a_save_of_another_field_keeps_its_decimals(admin_client, small_plan):
    figure = first_district_figure(small_plan)  # 5,00 %: printed with two decimals
    figure.published_rate_places = 2
    HouseholdFigure.objects.filter(pk=figure.pk).update(published_rate_places=2)
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    shown = admin_client.get(url).context["adminform"].form["published_rate"].value()
    assert shown == "5,00"
    # A browser sending back what it was shown, or a number field's "5": the value is the same, the places stay.
    for typed in ("5,00", "5"):
        response = admin_client.post(url, admin_figure_data(figure, published_rate=typed))
        assert response.status_code == 302, response.context["adminform"].form.errors
        figure.refresh_from_db()
        assert figure.published_rate_places == 2 and format_rate(figure.published_rate_as_printed) == "5,00"


def test_a_changed_rate_takes_the_decimals_it_was_typed_with(vietnamese):
    plan, district = typed_rate_plan()
    HouseholdFigure.objects.create(
        plan=plan,
        locality=district,
        year=2023,
        kind="result",
        poor_households=300,
        published_rate=Decimal("1.20"),
        published_rate_places=2,
    )
    same = FigureEdit(
        key="k",
        locality=district,
        year=2023,
        kind="result",
        values={"published_rate": Decimal("1.2")},
        version=stored_version(plan, district),
    )
    assert save_figures(user=None, plan=plan, edits=[same]).ok
    assert HouseholdFigure.objects.get(plan=plan, locality=district).published_rate_places == 2  # unchanged value
    new = FigureEdit(
        key="k",
        locality=district,
        year=2023,
        kind="result",
        values={"published_rate": Decimal("1.3")},
        version=stored_version(plan, district),
    )
    assert save_figures(user=None, plan=plan, edits=[new]).ok
    assert HouseholdFigure.objects.get(plan=plan, locality=district).published_rate_places == 1


@pytest.mark.parametrize(("typed", "places", "shown"), [("1,5", 1, "1,5"), (1.5, 2, "1,50")])
def test_an_imported_rate_keeps_the_decimals_it_was_typed_with(typed, places, shown, vietnamese):
    """Thừa Thiên Huế publishes rates without household totals: Quảng Điền's 2024 rate (1,56) typed as the text
    "1,5", or as the number 1.5 in a cell formatted with two decimals as the export writes it."""
    workbook = open_workbook(export(TTH))
    cell(workbook["Phụ lục"], "Huyện Quảng Điền", "Tỷ lệ năm 2024 (Phân đầu)").value = typed
    result = read(to_bytes(workbook), TTH)
    assert result.ok, [str(problem) for problem in result.errors]
    assert apply_changes(Plan.objects.get(slug=TTH), result.changes) == 1
    figure = HouseholdFigure.objects.get(
        plan__slug=TTH, locality__slug="thua-thien-hue-quang-dien", year=2024, kind="target"
    )
    assert figure.published_rate == Decimal("1.5") and figure.published_rate_places == places
    assert format_rate(figure.published_rate_as_printed) == shown

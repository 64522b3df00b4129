"""A 2026 plan of Thành phố Huế on the two-level map: its table's rows are wards directly under the city (valid from
01/07/2025), and every door that writes figures — the editing grid, the workbook round trip, the admin — takes them.

The units are real: the city (code 46) and three of its wards, loaded with `load_units` from the official catalogue
shipped in fixtures/units/from-2025-07-01.csv. The figures are made up for the test (not published ones).
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from localities.models import Locality, LocalityKind
from plans.models import HouseholdFigure
from spreadsheets.importing import apply_changes
from workflow.models import Role

from .factories import (
    AppendixRowFactory,
    HouseholdAppendixFactory,
    HouseholdFigureFactory,
    PlanFactory,
    household_columns,
    make_role_user,
)
from .helpers_b_grids import as_user, districts_url, load, post_confirmed, prefix
from .helpers_b_html import parse
from .test_admin_write_rules import form_values
from .workbook_factory import cell, edited, export, open_workbook, read, to_bytes

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parent.parent / "fixtures" / "units" / "from-2025-07-01.csv"
WARDS = ("19753", "19774", "19777")  # Phường Phú Xuân, Phường Kim Long, Phường Vỹ Dạ (catalogue of 01/07/2025)
SHEET = "Phụ lục 01"
HOUSEHOLDS_2026 = "Năm 2026 — Tổng số hộ dân cư"
POOR_2026 = "Năm 2026 — Tổng số hộ nghèo"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hue_catalogue(tmp_path) -> Path:
    """The catalogue's rows of Thành phố Huế (46) and the three wards, as the official file writes them."""
    with CATALOGUE.open(encoding="utf-8") as source:
        rows = [row for row in csv.reader(source)]
    kept = [rows[0], *(row for row in rows[1:] if row[0] == "46" or row[0] in WARDS)]
    path = tmp_path / "hue-2025-07-01.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target, lineterminator="\n").writerows(kept)
    return path


@pytest.fixture
def hue_plan(tmp_path):
    """A 2026 plan of Thành phố Huế: 2025 results and 2026 targets for three wards and the whole city."""
    call_command("load_units", str(hue_catalogue(tmp_path)), "--effective", "01/07/2025", stdout=io.StringIO())
    city = Locality.objects.get(code="46", valid_to__isnull=True)
    wards = [Locality.objects.get(code=code) for code in WARDS]
    assert city.kind == LocalityKind.MUNICIPALITY and all(w.parent == city and w.kind == "ward" for w in wards)
    plan = PlanFactory(province=city, slug="thu-hue-2026", first_year=2026, last_year=2026, issuer="UBND thành phố Huế")
    appendix = HouseholdAppendixFactory(
        plan=plan,
        code="01",
        label_header="Phường",
        title="Phụ lục 01\nTHỬ NGHIỆM",
        columns=household_columns((2025, 2026)),
    )
    for order, ward in enumerate(wards):
        AppendixRowFactory(appendix=appendix, locality=ward, order=order, number=str(order + 1), label=ward.name)
        for year, kind in ((2025, "result"), (2026, "target")):
            HouseholdFigureFactory(plan=plan, locality=ward, year=year, kind=kind, households=8000, poor_households=80)
    AppendixRowFactory(appendix=appendix, locality=city, order=3, number="", label="Toàn thành phố", is_total=True)
    for year, kind in ((2025, "result"), (2026, "target")):
        HouseholdFigureFactory(plan=plan, locality=city, year=year, kind=kind, households=24000, poor_households=240)
    return plan


def ward(code: str) -> Locality:
    return Locality.objects.get(code=code)


def target_2026(plan, locality) -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan=plan, locality=locality, year=2026, kind="target")


def test_the_grid_saves_a_ward_row_directly_under_the_city_and_labels_the_total_toan_thanh_pho(client, hue_plan):
    reviewer = make_role_user(Role.REVIEWER, province=hue_plan.province)
    url = f"{districts_url(hue_plan)}?kind=target&year=2026"
    page = as_user(client, reviewer).get(url)
    assert page.status_code == 200
    total_row = parse(page).find("tr", class_="total")
    assert "Toàn thành phố" in total_row.text
    assert "huyện" not in page.content.decode().lower()

    values = load(client, url)
    kim_long = prefix(ward("19774"))
    values[f"{kim_long}-households"] = "8.120"
    values[f"{kim_long}-poor_households"] = "75"
    # The city's total no longer equals its wards once Kim Long changes: the grid says so before saving.
    warned = client.post(url, values)
    assert warned.status_code == 200 and "Kim Long" in warned.content.decode()
    response = post_confirmed(client, url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = target_2026(hue_plan, ward("19774"))
    assert (saved.households, saved.poor_households, saved.published_rate) == (8120, 75, Decimal("0.92"))


def test_a_ward_official_saves_their_own_ward_row(client, hue_plan):
    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=ward("19777"))
    url = f"{districts_url(hue_plan)}?kind=target&year=2026"
    values = load(as_user(client, official), url)
    vy_da = prefix(ward("19777"))
    assert f"{prefix(ward('19753'))}-households" not in values  # another ward's row is read only
    values[f"{vy_da}-poor_households"] = "70"
    assert post_confirmed(client, url, values).status_code == 302
    assert target_2026(hue_plan, ward("19777")).poor_households == 70


def test_the_workbook_round_trip_saves_a_changed_ward_figure(hue_plan):
    data = edited(hue_plan, "01", [(SHEET, "Phường Kim Long", HOUSEHOLDS_2026, 8150)])
    result = read(data, hue_plan, "01")
    assert result.ok, [str(problem) for problem in result.errors]
    # The households, and the rate the sheet recomputes from them (80 / 8.150 = 0,98 %).
    assert [(c.label, c.year, c.new) for c in result.changes] == [
        ("Phường Kim Long", 2026, "8150"),
        ("Phường Kim Long", 2026, "0.98"),
    ]
    assert apply_changes(hue_plan, result.changes, reason="Rà soát") == 2
    saved = target_2026(hue_plan, ward("19774"))
    assert (saved.households, saved.published_rate) == (8150, Decimal("0.98"))


def test_a_ward_official_downloads_edits_and_imports_the_workbook_on_the_site(client, hue_plan):
    """The round trip as an official of Phường Vỹ Dạ makes it: download, change their ward, upload, confirm."""
    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=ward("19777"))
    as_user(client, official)
    download = client.get(reverse("spreadsheets:export_appendix", args=[hue_plan.slug, "01"]))
    assert download.status_code == 200
    workbook = open_workbook(b"".join(download.streaming_content) if download.streaming else download.content)
    cell(workbook[SHEET], "Phường Vỹ Dạ", POOR_2026).value = 64
    url = reverse("spreadsheets:import_appendix", args=[hue_plan.slug, "01"])
    upload = SimpleUploadedFile("phu-luc-01.xlsx", to_bytes(workbook), content_type=XLSX)
    preview = client.post(url, {"workbook": upload})
    assert preview.status_code == 200 and preview.context["token"], preview.content.decode()[:3000]
    # The city's total no longer equals its wards: the official reads the warning and ticks the box.
    assert 'name="warnings_read"' in preview.content.decode()
    confirmed = client.post(url, {"confirm": "1", "token": preview.context["token"], "warnings_read": "1"})
    assert confirmed.status_code == 302
    saved = target_2026(hue_plan, ward("19777"))
    assert (saved.poor_households, saved.published_rate) == (64, Decimal("0.80"))


def test_the_exported_workbook_speaks_of_wards_and_the_whole_city(hue_plan):
    sheet = open_workbook(export(hue_plan, "01"))[SHEET]
    text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert "Toàn thành phố" in text
    assert not re.search(r"huyện|toàn tỉnh", text, re.IGNORECASE)


def test_the_admin_inline_adds_a_figure_for_a_ward_row(admin_client, hue_plan):
    """The plan's admin page, a figure added for a ward through its figures inline (it goes through the service)."""
    phu_xuan = ward("19753")
    HouseholdFigure.objects.filter(plan=hue_plan, locality=phu_xuan, year=2026).delete()
    url = reverse("admin:plans_plan_change", args=[hue_plan.pk])
    values = form_values(admin_client, url)
    figures = next(name.removesuffix("-TOTAL_FORMS") for name in values if name.endswith("figures-TOTAL_FORMS"))
    new = f"{figures}-{values[f'{figures}-TOTAL_FORMS']}"
    values[f"{figures}-TOTAL_FORMS"] = str(int(values[f"{figures}-TOTAL_FORMS"]) + 1)
    values.update(
        {
            f"{new}-plan": str(hue_plan.pk),
            f"{new}-locality": str(phu_xuan.pk),
            f"{new}-year": "2026",
            f"{new}-kind": "target",
            f"{new}-households": "8.200",
            f"{new}-poor_households": "60",
            f"{new}-published_rate": "0,73",
        }
    )
    response = admin_client.post(url, values)
    assert response.status_code == 302, response.context and response.context["errors"]
    saved = target_2026(hue_plan, phu_xuan)
    assert (saved.households, saved.poor_households, saved.published_rate) == (8200, 60, Decimal("0.73"))


def test_the_refusals_of_a_ward_official_name_the_plans_reviewers_not_the_provinces(hue_plan):
    """A city's plan has no province above it on today's map: who may change it is said of the plan, in both
    languages (the import's override, the plan's text)."""
    from django.utils import translation

    from spreadsheets.changes import override_refusal
    from workflow.permissions import Checker

    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=ward("19777"))
    for language, plan_word, province_word in (("vi", "kế hoạch", "tỉnh"), ("en", "plan", "province")):
        with translation.override(language):
            refusals = [
                override_refusal(hue_plan, official, "theo báo cáo"),
                Checker(official, hue_plan).can_edit_document().reason,
            ]
        for refusal in refusals:
            assert plan_word in str(refusal) and province_word not in str(refusal), refusal

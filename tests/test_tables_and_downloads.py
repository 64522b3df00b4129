"""Issue 14: district tables that read like a spreadsheet, and downloads that open right in any spreadsheet."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import PlanSectionFactory, ProvinceFactory, make_household_plan

pytestmark = pytest.mark.django_db


def get(client, name, slug, **params):
    response = client.get(reverse(name, args=[slug]), params)
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # the byte-order mark: Excel reads the Vietnamese text as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_is_semicolon_separated_utf8_with_plain_numbers(client, small_plan):
    rows = csv_rows(get(client, "reports:districts_csv", small_plan.slug, year=2021))
    assert rows[0] == [
        "STT",
        "Huyện",
        "Năm 2021 — Tổng số hộ dân cư",
        "Năm 2021 — Tổng số hộ nghèo",
        "Năm 2021 — Tỷ lệ hộ nghèo (%)",
    ]
    # District 1: 10000 households, 500 poor → 5.00 %; no grouping, "." as the decimal point.
    assert rows[1] == ["1", "Huyện Số 1", "10000", "500", "5.00"]
    assert rows[-1][1:] == ["Tổng cộng (số công bố)", "30300", "1503", "4.96"]


def test_a_selection_of_districts_gets_its_own_computed_total_in_page_and_csv(client, small_plan):
    chosen = [f"{small_plan.slug}-huyen-1", f"{small_plan.slug}-huyen-2"]
    html = get(client, "reports:districts", small_plan.slug, year=2021, district=chosen).content.decode()
    assert "Tổng các dòng đã chọn (tính lại)" in html and "Tổng cộng (số công bố)" not in html
    rows = csv_rows(get(client, "reports:districts_csv", small_plan.slug, year=2021, district=chosen))
    assert [row[1] for row in rows[1:]] == ["Huyện Số 1", "Huyện Số 2", "Tổng các dòng đã chọn (tính lại)"]
    assert rows[-1][2:] == ["20100", "1001", "4.98"]  # 1001 / 20100 = 4,98 %, recomputed from the sums


def test_the_excel_download_is_exactly_the_filtered_sorted_page_with_numbers_as_numbers(client, small_plan):
    params = {"year": 2022, "sort": "-label"}
    response = get(client, "reports:districts_xlsx", small_plan.slug, **params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][2:] == [
        "Năm 2022 — Tổng số hộ dân cư",
        "Năm 2022 — Tổng số hộ nghèo",
        "Năm 2022 — Tỷ lệ hộ nghèo (%)",
    ]
    assert [row[1] for row in values[1:4]] == ["Huyện Số 3", "Huyện Số 2", "Huyện Số 1"]  # the page's order
    assert values[1][2:] == [10200, 452, pytest.approx(4.43)]
    assert sheet["E2"].number_format == "0.00" and sheet["C2"].number_format == "#,##0"


def test_the_sorted_column_shows_and_announces_its_direction(client, small_plan):
    html = get(client, "reports:districts", small_plan.slug, sort="-poverty_rate_2021_result").content.decode()
    sorted_headers = re.findall(r'<th [^>]*aria-sort="(\w+)"[^>]*>(.*?)</th>', html, re.S)
    assert len(sorted_headers) == 1
    direction, header = sorted_headers[0]
    assert direction == "descending" and "Tỷ lệ hộ nghèo" in header and "▼" in header
    ascending = get(client, "reports:districts", small_plan.slug, sort="label").content.decode()
    assert re.search(
        r'aria-sort="ascending"[^>]*><a [^>]*>Huyện<span class="sort-mark" aria-hidden="true">▲', ascending
    )


def test_the_locality_filter_is_checkboxes_that_keep_the_choice_in_the_url(client, small_plan):
    chosen = f"{small_plan.slug}-huyen-2"
    html = get(client, "reports:districts", small_plan.slug, district=chosen).content.decode()
    assert '<select name="district"' not in html
    assert re.search(rf'<input type="checkbox" name="district" value="{chosen}"[^>]* checked>', html)
    assert html.count('type="checkbox" name="district"') == 3
    assert f"district={chosen}" in html  # the CSV and Excel links carry the filter


def test_a_single_year_table_offers_no_year_filter(client):
    plan = make_household_plan(years=(2024,), slug="mot-nam-2024", province=ProvinceFactory(slug="tinh-mot"))
    html = get(client, "reports:districts", plan.slug).content.decode()
    assert "Tất cả các năm" not in html and '<select name="year"' not in html
    several = get(
        client, "reports:districts", make_household_plan(slug="ba-nam", province=ProvinceFactory(slug="tinh-ba")).slug
    ).content.decode()
    assert "Tất cả các năm" in several


def test_the_charts_follow_the_district_filter(client, small_plan):
    html = get(client, "reports:districts", small_plan.slug, district=f"{small_plan.slug}-huyen-3").content.decode()
    charts = html.split("<h2>Biểu đồ</h2>")[1]
    assert "Huyện Số 3" in charts and "Huyện Số 1" not in charts and "Huyện Số 2" not in charts


def test_a_wide_appendix_prints_on_landscape_pages_and_a_narrow_one_does_not(client, small_plan):
    html = get(client, "reports:plan", small_plan.slug).content.decode()  # 3 years × 3 columns: wide
    assert re.search(r'<section class="appendix wide" id="appendix-01"', html)
    narrow = make_household_plan(years=(2023, 2024), slug="hai-nam", province=ProvinceFactory(slug="tinh-hai"))
    assert re.search(
        r'<section class="appendix" id="appendix-01"', get(client, "reports:plan", narrow.slug).content.decode()
    )
    assert 'class="table-page print-wide"' in get(client, "reports:districts", small_plan.slug).content.decode()
    one_year = get(client, "reports:districts", small_plan.slug, year=2022).content.decode()
    assert 'class="table-page"' in one_year  # three columns print on a portrait page


def test_the_plan_page_has_a_title_heading_and_its_parts_as_headings_in_its_numbering(client, small_plan):
    part = PlanSectionFactory(plan=small_plan, number="I", heading="MỤC TIÊU", body="", order=1)
    PlanSectionFactory(plan=small_plan, parent=part, number="1", heading="Mục tiêu chung", body="Giảm nghèo.", order=2)
    PlanSectionFactory(plan=small_plan, parent=part, number="2", heading="Mục tiêu cụ thể", body="", order=3)
    PlanSectionFactory(plan=small_plan, number="II", heading="NHIỆM VỤ", body="", order=4)
    html = get(client, "reports:plan", small_plan.slug).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.search(rf'<h2 class="section-title" id="section-{part.pk}">I. MỤC TIÊU</h2>', html)
    assert re.search(r'<h3 class="section-title" id="section-\d+">1. Mục tiêu chung:</h3>\s*<p>Giảm nghèo.</p>', html)
    contents = html.split('<nav class="toc')[1].split("</nav>")[0]
    assert f'href="#section-{part.pk}"' in contents and "2. Mục tiêu cụ thể" in contents and "Phụ lục 01" in contents

"""The report pages, as an anonymous reader sees them."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from analysis.deadlines import reporting_deadlines
from plan_tables.household import household_table
from plans.models import Plan

from .factories import make_household_plan

pytestmark = pytest.mark.django_db

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_lists_both_plans_by_province_and_searches(client):
    html = page(client, "reports:home")
    assert "Tỉnh Thừa Thiên Huế" in html and "Tỉnh Hưng Yên" in html
    assert "Kế hoạch số 03/KH-UBND" in html and "03/01/2024" in html
    found = page(client, "reports:home", q="Hưng Yên")
    assert "Tỉnh Hưng Yên" in found and "03/KH-UBND" not in found
    assert "Không có kế hoạch" in page(client, "reports:home", q="không tồn tại")


def test_plan_page_reads_as_the_document(client):
    html = page(client, "reports:plan", TTH)
    for text in (
        "UBND tỉnh Thừa Thiên Huế",
        "Số: 03/KH-UBND",
        "ngày 03 tháng 01 năm 2024",
        "Thực hiện Quyết định số 90/QĐ-TTg",  # legal bases in the preamble
        "MỤC TIÊU",
        "khoảng 2.050 lao động",  # a target in the objectives
        "NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN",
        "KINH PHÍ THỰC HIỆN",
        "Ngân hàng Chính sách xã hội tỉnh",  # organisation
        "30/11/2024",
        "05/12/2024",
        "Nơi nhận",
        "Nguyễn Thanh Bình",
        "PHÂN ĐẦU CHỈ TIÊU GIẢM NGHÈO CỦA CÁC ĐỊA PHƯƠNG NĂM 2024",  # the appendix
        "3.485",
        "24,40",
        "15,83",
    ):
        assert text in html, text
    # Links to every table of the plan.
    for name in (
        "reports:districts",
        "reports:indicators",
        "reports:tasks",
        "reports:quality",
        "spreadsheets:export_plan",
    ):
        assert reverse(name, args=[TTH]) in html


def test_draft_plan_page_shows_its_blank_number_and_partial_date(client):
    html = page(client, "reports:plan", HY)
    assert "ngày tháng 11 năm 2023" in html.replace("  ", " ")
    assert "Phụ lục 3" in html and "Xây dựng chính sách hỗ trợ đào tạo nghề" in html
    assert "Yêu cầu các sở, ngành, đoàn thể tỉnh" in html  # its reporting duty, shown after the sections


def test_reporting_deadlines_count_days_left_or_overdue():
    plan = Plan.objects.get(slug=TTH)
    before = {d.obligation.due_date.isoformat(): d for d in reporting_deadlines(plan, datetime.date(2024, 11, 25))}
    assert (before["2024-11-30"].state, before["2024-11-30"].days_left) == ("due", 5)
    after = {d.obligation.due_date.isoformat(): d for d in reporting_deadlines(plan, datetime.date(2024, 12, 7))}
    assert (after["2024-12-05"].state, after["2024-12-05"].days_overdue) == ("overdue", 2)


def test_district_table_has_the_appendix_columns_and_vietnamese_numbers(client):
    html = page(client, "reports:districts", HY)
    for text in (
        "Kết quả năm 2021",
        "Năm 2025",
        "Tổng số hộ dân cư",
        "Phù Cừ",
        "29.822",
        "3,17",
        "407.045",
        "Tổng cộng",
    ):
        assert text in html, text
    tth = page(client, "reports:districts", TTH)
    assert "Số hộ nghèo giảm năm 2024 (Phân đầu)" in tth and "Toàn tỉnh" in tth and "7.540" in tth


def test_the_computed_total_is_shown_beside_a_published_total_that_differs(client):
    table = household_table(Plan.objects.get(slug=HY).appendices.get(code="01"))
    poor_2024 = next(c for c in table.columns if c.year == 2024 and c.field == "poor_households")
    rate_2024 = next(c for c in table.columns if c.year == 2024 and c.field == "poverty_rate")
    assert table.total.cells[poor_2024.index] == 2954
    assert table.computed_total[poor_2024.index] == 2963
    assert str(table.computed_total[rate_2024.index]) == "0.71"
    assert table.total_differs[poor_2024.index] and not table.total_differs[rate_2024.index]
    html = page(client, "reports:districts", HY)
    assert "2.954" in html and "2.963" in html and "Tổng tính lại" in html


def test_thua_thien_hue_totals_agree_so_no_computed_row_is_added(client):
    table = household_table(Plan.objects.get(slug=TTH).appendices.get(code="phu-luc"))
    assert not any(table.total_differs)
    assert table.computed_total[0] == 7540  # poor households 2023, summed
    assert table.computed_total[1] is None  # no household totals: no rate can be derived


def district_labels(html):
    body = html.split("<tbody")[1].split("</tbody>")[0]
    return re.findall(r'/localities/[^"]+">([^<]+)</a>', body)


def test_district_table_sorts_by_a_column(client):
    ascending = district_labels(page(client, "reports:districts", HY, sort="poverty_rate_2021_result"))
    assert ascending[0] == "TP Hưng Yên" and ascending[-1] == "Ân Thi"  # 1,12% … 4,83%
    descending = district_labels(page(client, "reports:districts", HY, sort="-poverty_rate_2021_result"))
    assert descending == ascending[::-1]


def test_district_table_filters_a_year_and_districts(client):
    html = page(client, "reports:districts", HY, year=2024)
    assert "Năm 2024" in html and "Kết quả năm 2021" not in html and "29.822" not in html and "30.009" in html
    html = page(client, "reports:districts", HY, district=["hung-yen-phu-cu", "hung-yen-an-thi"])
    assert district_labels(html) == ["Phù Cừ", "Ân Thi"]
    assert "Tổng cộng" not in html  # a selection of districts has no province total
    bad = page(client, "reports:districts", HY, year="abc")
    assert "29.822" in bad  # an invalid filter is ignored, with a message, never an error


def test_the_csv_holds_exactly_the_rows_and_columns_shown(client):
    params = {"year": 2024, "sort": "-poverty_rate_2024_target"}
    html = page(client, "reports:districts", HY, **params)
    response = client.get(reverse("reports:districts_csv", args=[HY]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "STT",
        "Huyện/TX/TP",
        "Năm 2024 — Tổng số hộ dân cư",
        "Năm 2024 — Tổng số hộ nghèo",
        "Năm 2024 — Tỷ lệ hộ nghèo (%)",
    ]
    assert [row[1] for row in rows[1:11]] == district_labels(html)
    # Figures as plain numbers with a "." decimal point, what every spreadsheet reads (issue 14).
    assert rows[1] == ["1", "Phù Cừ", "30009", "319", "1.06"]  # ties keep the published order
    assert rows[11][1:] == ["Tổng cộng (số công bố)", "414847", "2954", "0.71"]
    assert rows[12][2:] == ["414847", "2963", "0.71"]


def test_indicator_page_groups_targets_by_dimension_with_qualifiers(client):
    html = page(client, "reports:indicators", TTH)
    for text in ("Việc làm", "Y tế", "Nhà ở", "khoảng 2.050", "tối thiểu 1.000", "72,5", "giảm ít nhất 3"):
        assert text in html, text
    hy = page(client, "reports:indicators", HY)
    for text in ("Kết quả 2022", "dưới 9", "9,7", "Sở Y tế", "Ủy ban MTTQ Việt Nam tỉnh", "trên 68"):
        assert text in hy, text


def test_tasks_page_lists_policy_tasks_and_each_agency_duties(client):
    html = page(client, "reports:tasks", HY)
    assert "Xây dựng chính sách hỗ trợ doanh nghiệp tiếp nhận đối tượng bảo trợ xã hội vào làm việc" in html
    assert "Năm 2024" in html and "Chi nhánh Ngân hàng Chính sách xã hội tỉnh" in html
    tth = page(client, "reports:tasks", TTH)
    assert "DA6.2" in tth  # the labour department leads Tiểu dự án 2 của Dự án 6


def test_locality_page_shows_the_figures_the_change_and_a_chart(client):
    html = page(client, "reports:locality", "hung-yen-phu-cu")
    assert "Huyện Phù Cừ" in html and "29.822" in html and "3,17" in html
    assert "-296" in html  # poor households 946 → 650
    assert "-0,96" in html  # rate 3,17 → 2,21
    assert "<svg" in html and "<title" in html and "<desc" in html and "2021 3,17%" in html
    province = page(client, "reports:locality", "thua-thien-hue")
    assert "Thành phố Huế" in province and "Nghị quyết số 175/2024/QH15" in province


def test_agency_page_lists_what_it_leads_and_coordinates(client):
    html = page(client, "reports:agency", "hung-yen", "so-ldtbxh")
    assert "Xây dựng chính sách hỗ trợ đào tạo nghề" in html  # a policy task it leads
    assert "qua đào tạo" in html  # an indicator it leads
    assert "Chịu trách nhiệm theo dõi, tổng hợp, báo cáo" in html  # a duty
    tth = page(client, "reports:agency", "thua-thien-hue", "so-ldtbxh")
    assert "05/12/2024" in tth


def test_charts_are_svg_with_a_title_a_text_alternative_and_vietnamese_numbers(client):
    html = page(client, "reports:districts", TTH)
    svg = html[html.index("<svg") :]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Huyện A Lưới: 2023 result 24,40%" in svg.replace("Kết quả", "result") or "24,40%" in svg
    assert "http" not in svg.split("xmlns=")[1][40:200]  # no script or resource from another host


@pytest.mark.parametrize(
    "name", ["reports:plan", "reports:districts", "reports:districts_csv", "reports:indicators", "reports:tasks"]
)
def test_unknown_plans_answer_404(client, name):
    assert client.get(reverse(name, args=["khong-co"])).status_code == 404


def test_unknown_locality_and_agency_answer_404(client):
    assert client.get(reverse("reports:locality", args=["khong-co"])).status_code == 404
    assert client.get(reverse("reports:agency", args=["hung-yen", "khong-co"])).status_code == 404
    # an agency of another province is not found under this one
    assert client.get(reverse("reports:agency", args=["thua-thien-hue", "so-ct"])).status_code == 404


@pytest.mark.parametrize(
    "name", ["reports:plan", "reports:districts", "reports:districts_csv", "reports:indicators", "reports:tasks"]
)
def test_pages_run_a_bounded_number_of_queries_whatever_the_size(client, django_assert_max_num_queries, name):
    """First views: the plan page reads its whole text then (14 queries; 8 once the text is cached)."""
    small = make_household_plan(districts=3, years=(2021, 2022), slug="nho")
    large = make_household_plan(districts=60, years=(2021, 2022, 2023, 2024, 2025), slug="lon", province=small.province)
    with django_assert_max_num_queries(15) as small_queries:
        client.get(reverse(name, args=[small.slug]))
    with django_assert_max_num_queries(15) as large_queries:
        client.get(reverse(name, args=[large.slug]))
    assert len(large_queries) == len(small_queries)


def test_a_large_tables_charts_draw_the_districts_with_the_highest_rates(client):
    """60 districts: a chart of all of them cannot be read; the 30 with the highest 2021 rate are drawn, highest
    first (in this plan the rate falls with the district's number), and the title says so."""
    plan = make_household_plan(districts=60, years=(2021, 2022, 2023), slug="lon")
    html = page(client, "reports:districts", plan.slug)
    bars = html[html.index('aria-labelledby="rates-01-title') :].split("</svg>")[0]
    lines = html[html.index('aria-labelledby="trajectories-01-title') :].split("</svg>")[0]
    for chart in (bars, lines):
        assert "30" in chart.split("</title>")[0]
        drawn = [f"Huyện Số {i}<" for i in range(1, 61) if f"Huyện Số {i}<" in chart]
        assert drawn == [f"Huyện Số {i}<" for i in range(1, 31)]
    assert "60" in bars.split("</title>")[0]
    assert bars.index("Huyện Số 1<") < bars.index("Huyện Số 2<") < bars.index("Huyện Số 30<")
    assert "Huyện Số 60" in html  # the table itself lists every district


def test_a_small_tables_charts_draw_every_district_in_published_order(client):
    plan = make_household_plan(districts=5, years=(2021, 2022), slug="nho")
    html = page(client, "reports:districts", plan.slug)
    bars = html[html.index('aria-labelledby="rates-01-title') :].split("</svg>")[0]
    assert [bars.index(f"Huyện Số {i}<") for i in range(1, 6)] == sorted(
        bars.index(f"Huyện Số {i}<") for i in range(1, 6)
    )

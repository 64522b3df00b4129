"""The report pages, as an anonymous reader sees them.

The rules of the pages (deadlines, computed totals, sorting, filtering, the CSV, charts, 404s, the number of queries)
are tested on plans built here with tests/factories.py. The tests marked "Seed fidelity" show that the pages render
the two seed documents as published: their texts and figures are the documents'.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from analysis.deadlines import reporting_deadlines
from plan_tables.household import household_table
from plans.models import HouseholdFigure

from .factories import AgencyFactory, ProvinceFactory, ReportingObligationFactory, make_household_plan
from .helpers_a_html import parse

pytestmark = pytest.mark.django_db

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_lists_both_plans_by_province_and_searches(client):
    """Seed fidelity: the home page lists the two seed plans under their provinces, by their published numbers."""
    html = page(client, "reports:home")
    assert "Tỉnh Thừa Thiên Huế" in html and "Tỉnh Hưng Yên" in html
    assert "Kế hoạch số 03/KH-UBND" in html and "03/01/2024" in html
    found = page(client, "reports:home", q="Hưng Yên")
    assert "Tỉnh Hưng Yên" in found and "03/KH-UBND" not in found
    assert "Không có kế hoạch" in page(client, "reports:home", q="không tồn tại")


def test_plan_page_reads_as_the_document(client):
    """Seed fidelity: the plan of Thừa Thiên Huế reads as the published document, from heading to appendix."""
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
    """Seed fidelity: Hưng Yên's plan is a draft, printed without its number and with a partial date."""
    html = page(client, "reports:plan", HY)
    assert "ngày tháng 11 năm 2023" in html.replace("  ", " ")
    assert "Phụ lục 3" in html and "Xây dựng chính sách hỗ trợ đào tạo nghề" in html
    assert "Yêu cầu các sở, ngành, đoàn thể tỉnh" in html  # its reporting duty, shown after the sections


def test_reporting_deadlines_count_days_left_or_overdue(small_plan):
    ReportingObligationFactory(plan=small_plan, order=0, due_date=datetime.date(2024, 11, 30))
    ReportingObligationFactory(plan=small_plan, order=1, due_date=datetime.date(2024, 12, 5))
    ReportingObligationFactory(
        plan=small_plan, order=2, due_date=datetime.date(2024, 12, 5), reported_on=datetime.date(2024, 12, 1)
    )
    before = reporting_deadlines(small_plan, datetime.date(2024, 11, 25))
    assert [(d.state, d.days_left, d.days_overdue) for d in before] == [
        ("due", 5, 0),
        ("due", 10, 0),
        ("reported", 10, 0),
    ]
    after = reporting_deadlines(small_plan, datetime.date(2024, 12, 7))
    assert [(d.state, d.days_overdue) for d in after] == [("overdue", 7), ("overdue", 2), ("reported", 0)]


def test_district_table_has_the_appendix_columns_and_vietnamese_numbers(client):
    """Seed fidelity: both seed appendices with their published headers and figures."""
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


def publish_a_wrong_2022_total(plan):
    """The province's 2022 total says 1.344 poor households; its districts sum to 1.353 (450 + 451 + 452)."""
    HouseholdFigure.objects.filter(plan=plan, locality=plan.province, year=2022).update(poor_households=1344)


def column_of(table, year, field):
    return next(c for c in table.columns if c.year == year and c.field == field)


def test_the_computed_total_is_shown_beside_a_published_total_that_differs(client, small_plan):
    publish_a_wrong_2022_total(small_plan)
    table = household_table(small_plan.appendices.get())
    poor_2022, rate_2022 = column_of(table, 2022, "poor_households"), column_of(table, 2022, "poverty_rate")
    assert table.total.cells[poor_2022.index] == 1344
    assert table.computed_total[poor_2022.index] == 1353
    assert str(table.computed_total[rate_2022.index]) == "4.47"  # 1.353 of 30.300, as published
    assert table.total_differs[poor_2022.index] and not table.total_differs[rate_2022.index]
    footer = parse(page(client, "reports:districts", small_plan.slug)).find("tfoot")
    rows = [[cell.text for cell in row.find_all() if cell.tag in ("th", "td")] for row in footer.find_all("tr")]
    assert [row[1] for row in rows] == ["Tổng cộng (số công bố)", "Tổng tính lại (cộng các dòng)"]
    assert ("1.344", "1.353") == (rows[0][2 + poor_2022.index], rows[1][2 + poor_2022.index])
    differing = [cell.text for cell in footer.find_all("td", class_="differs")]
    assert "1.353" in differing and "4,47" not in differing


def test_totals_that_agree_add_no_computed_row(client, small_plan):
    table = household_table(small_plan.appendices.get())
    assert not any(table.total_differs)
    assert table.computed_total[column_of(table, 2021, "poor_households").index] == 1503  # 500 + 501 + 502
    assert "Tổng tính lại" not in page(client, "reports:districts", small_plan.slug)


def test_without_household_totals_no_total_rate_is_derived(small_plan):
    HouseholdFigure.objects.filter(plan=small_plan).update(households=None)
    table = household_table(small_plan.appendices.get())
    assert table.computed_total[column_of(table, 2021, "poor_households").index] == 1503
    assert table.computed_total[column_of(table, 2021, "poverty_rate").index] is None


def district_labels(html) -> list[str]:
    """The district names the table's body shows, top to bottom (each links to its locality's page)."""
    return [link.text for link in _table_body(html).find_all("a") if link["href"].startswith("/localities/")]


def _table_body(html):
    bodies = [body for body in parse(html).find_all("tbody") if body.find_all("a")]
    assert len(bodies) == 1, "the district table is the one body with links"
    return bodies[0]


def test_district_table_sorts_by_a_column(client, small_plan):
    ascending = district_labels(page(client, "reports:districts", small_plan.slug, sort="poverty_rate_2021_result"))
    assert ascending == ["Huyện Số 3", "Huyện Số 2", "Huyện Số 1"]  # 4,92% … 5,00%
    descending = district_labels(page(client, "reports:districts", small_plan.slug, sort="-poverty_rate_2021_result"))
    assert descending == ascending[::-1]


def group_headers(html) -> list[str]:
    return [th.text for th in parse(html).find("thead").find_all("th", scope="colgroup")]


def test_district_table_filters_a_year_and_districts(client, small_plan):
    slug = small_plan.slug
    assert group_headers(page(client, "reports:districts", slug)) == ["Năm 2021", "Năm 2022", "Năm 2023"]
    html = page(client, "reports:districts", slug, year=2022)
    assert group_headers(html) == ["Năm 2022"]
    first_row = [cell.text for cell in _table_body(html).find_all("td")]
    assert first_row[:5] == ["1", "Huyện Số 1", "10.000", "450", "4,50"]
    html = page(client, "reports:districts", slug, district=[f"{slug}-huyen-1", f"{slug}-huyen-3"])
    assert district_labels(html) == ["Huyện Số 1", "Huyện Số 3"]
    # A selection of districts has no province total: only the selection's own, computed (issue 14).
    footer = parse(html).find("tfoot").find_all("tr")
    assert [row.attrs.get("class") for row in footer] == ["selection"]
    assert [cell.text for cell in footer[0].find_all("td")][1:4] == ["20.200", "1.002", "4,96"]  # 2021
    bad = page(client, "reports:districts", slug, year="abc")
    assert group_headers(bad) == ["Năm 2021", "Năm 2022", "Năm 2023"]  # an invalid filter is ignored
    assert parse(bad).find("li", class_="error").text.startswith("Có điều kiện lọc không hợp lệ và bị bỏ qua:")


def test_the_csv_holds_exactly_the_rows_and_columns_shown(client, small_plan):
    publish_a_wrong_2022_total(small_plan)
    second = small_plan.appendices.get().rows.get(order=1).locality
    HouseholdFigure.objects.filter(plan=small_plan, locality=second, year=2022).update(
        households=10000, poor_households=450, published_rate="4.50"
    )
    params = {"year": 2022, "sort": "-poverty_rate_2022_target"}
    html = page(client, "reports:districts", small_plan.slug, **params)
    response = client.get(reverse("reports:districts_csv", args=[small_plan.slug]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "STT",
        "Huyện",
        "Năm 2022 — Tổng số hộ dân cư",
        "Năm 2022 — Tổng số hộ nghèo",
        "Năm 2022 — Tỷ lệ hộ nghèo (%)",
    ]
    assert [row[1] for row in rows[1:4]] == district_labels(html)
    # Figures as plain numbers with a "." decimal point, what every spreadsheet reads (issue 14).
    # Huyện Số 1 and 2 tie at 4,50%: ties keep the published order.
    assert rows[1:4] == [
        ["1", "Huyện Số 1", "10000", "450", "4.50"],
        ["2", "Huyện Số 2", "10000", "450", "4.50"],
        ["3", "Huyện Số 3", "10200", "452", "4.43"],
    ]
    assert rows[4][1:] == ["Tổng cộng (số công bố)", "30300", "1344", "4.47"]  # as published
    assert rows[5][2:] == ["30200", "1352", "4.48"]  # computed from the rows
    assert len(rows) == 6


def test_indicator_page_groups_targets_by_dimension_with_qualifiers(client):
    """Seed fidelity: the indicator targets of both seed plans, with the qualifiers they were published with."""
    html = page(client, "reports:indicators", TTH)
    for text in ("Việc làm", "Y tế", "Nhà ở", "khoảng 2.050", "tối thiểu 1.000", "72,5", "giảm ít nhất 3"):
        assert text in html, text
    hy = page(client, "reports:indicators", HY)
    for text in ("Kết quả 2022", "dưới 9", "9,7", "Sở Y tế", "Ủy ban MTTQ Việt Nam tỉnh", "trên 68"):
        assert text in hy, text


def test_tasks_page_lists_policy_tasks_and_each_agency_duties(client):
    """Seed fidelity: the policy tasks and duties of the seed plans."""
    html = page(client, "reports:tasks", HY)
    assert "Xây dựng chính sách hỗ trợ doanh nghiệp tiếp nhận đối tượng bảo trợ xã hội vào làm việc" in html
    assert "Năm 2024" in html and "Chi nhánh Ngân hàng Chính sách xã hội tỉnh" in html
    tth = page(client, "reports:tasks", TTH)
    assert "DA6.2" in tth  # the labour department leads Tiểu dự án 2 của Dự án 6


def test_locality_page_shows_the_figures_the_change_and_a_chart(client):
    """Seed fidelity: Phù Cừ's published figures and their change; Thừa Thiên Huế's merged districts."""
    html = page(client, "reports:locality", "hung-yen-phu-cu")
    assert "Huyện Phù Cừ" in html and "29.822" in html and "3,17" in html
    assert "-296" in html  # poor households 946 → 650
    assert "-0,96" in html  # rate 3,17 → 2,21
    assert "<svg" in html and "<title" in html and "<desc" in html and "2021 3,17%" in html
    province = page(client, "reports:locality", "thua-thien-hue")
    assert "Thành phố Huế" in province and "Nghị quyết số 175/2024/QH15" in province


def test_agency_page_lists_what_it_leads_and_coordinates(client):
    """Seed fidelity: what the labour departments of both seed provinces lead, as the documents assign it."""
    html = page(client, "reports:agency", "hung-yen", "so-ldtbxh")
    assert "Xây dựng chính sách hỗ trợ đào tạo nghề" in html  # a policy task it leads
    assert "qua đào tạo" in html  # an indicator it leads
    assert "Chịu trách nhiệm theo dõi, tổng hợp, báo cáo" in html  # a duty
    tth = page(client, "reports:agency", "thua-thien-hue", "so-ldtbxh")
    assert "05/12/2024" in tth


def test_charts_are_svg_with_a_title_a_text_alternative_and_vietnamese_numbers(client, small_plan):
    document = parse(page(client, "reports:districts", small_plan.slug))
    svg = document.find("svg", aria_labelledby="rates-01-title rates-01-desc")
    assert svg["role"] == "img"
    assert svg.find("title", id="rates-01-title").text.startswith("Tỷ lệ hộ nghèo")
    desc = svg.find("desc", id="rates-01-desc").text
    assert "Huyện Số 1: Kết quả 2021 5,00%" in desc and "Huyện Số 3: Kết quả 2021 4,92%" in desc
    # No script, and no resource from another host: the namespace is the only address.
    charts = document.find_all("svg")
    assert len(charts) >= 2 and not any(chart.find_all("script") for chart in charts)
    addresses = [
        (element.tag, name)
        for chart in charts
        for element in [chart, *chart.elements()]
        for name, value in element.attrs.items()
        if "http" in value or name in ("href", "xlink:href", "src")
    ]
    assert addresses == [("svg", "xmlns")] * len(charts)


@pytest.mark.parametrize(
    "name", ["reports:plan", "reports:districts", "reports:districts_csv", "reports:indicators", "reports:tasks"]
)
def test_unknown_plans_answer_404(client, name):
    assert client.get(reverse(name, args=["khong-co"])).status_code == 404


def test_unknown_locality_and_agency_answer_404(client):
    assert client.get(reverse("reports:locality", args=["khong-co"])).status_code == 404
    assert client.get(reverse("reports:agency", args=["hung-yen", "khong-co"])).status_code == 404


def test_an_agency_is_found_under_its_own_province_only(client):
    agency = AgencyFactory()
    assert client.get(reverse("reports:agency", args=[agency.province.slug, agency.slug])).status_code == 200
    other_province = ProvinceFactory()
    assert client.get(reverse("reports:agency", args=[other_province.slug, agency.slug])).status_code == 404


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


def chart(html, chart_id):
    return parse(html).find("svg", aria_labelledby=f"{chart_id}-title {chart_id}-desc")


def districts_drawn(svg) -> list[str]:
    return [text.text for text in svg.find_all("text") if text.text.startswith("Huyện Số ")]


def test_a_large_tables_charts_draw_the_districts_with_the_highest_rates(client):
    """60 districts: a chart of all of them cannot be read; the 30 with the highest 2021 rate are drawn, highest
    first (in this plan the rate falls with the district's number), and the title says so."""
    plan = make_household_plan(districts=60, years=(2021, 2022, 2023), slug="lon")
    html = page(client, "reports:districts", plan.slug)
    bars, lines = chart(html, "rates-01"), chart(html, "trajectories-01")
    highest = [f"Huyện Số {i}" for i in range(1, 31)]
    assert districts_drawn(bars) == highest  # one label per district, highest rate first
    assert districts_drawn(lines) == highest  # the legend of the lines
    assert "30" in bars.find("title").text and "60" in bars.find("title").text
    assert "30" in lines.find("title").text
    assert "Huyện Số 60" in district_labels(html)  # the table itself lists every district


def test_a_small_tables_charts_draw_every_district_in_published_order(client):
    plan = make_household_plan(districts=5, years=(2021, 2022), slug="nho")
    html = page(client, "reports:districts", plan.slug)
    assert districts_drawn(chart(html, "rates-01")) == [f"Huyện Số {i}" for i in range(1, 6)]
    assert chart(html, "rates-01").find("title").text.startswith("Tỷ lệ hộ nghèo theo huyện")

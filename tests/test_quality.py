"""The data-quality check: rates, remaining poor households, totals and target directions, never corrected.

The rules are tested on plans built here (tests/factories.py) with planted errors; the tests under "Seed fidelity"
show the findings of the two seed documents as published (Hưng Yên's total, its rising underweight target).
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis.quality import (
    RATE_FROM_COUNTS,
    REMAINING_POOR,
    TARGET_DIRECTION,
    TOTAL_IS_SUM,
    TOTAL_RATE_FROM_SUMS,
    check_plan,
    group_findings,
)
from indicators.models import Direction
from plans.models import HouseholdFigure, Plan

from .factories import (
    AppendixRowFactory,
    DistrictFactory,
    HouseholdAppendixFactory,
    HouseholdFigureFactory,
    IndicatorAppendixFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanIndicatorFactory,
    ProvinceFactory,
)
from .helpers_a_html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"
HY_PHU_LUC_02 = (
    "Phụ lục 02: Bảng dự kiến chỉ tiêu giải quyết mức độ thiếu hụt các dịch vụ xã hội cơ bản đến năm 2025 "
    "trên địa bàn tỉnh Hưng Yên"
)


def summary(findings):
    return [(f.rule, f.table, f.row, f.column, f.published, f.computed, f.difference) for f in findings]


# A plan built in the test: a province, its districts and a household appendix -----------------------


def column(group, year, kind, field, header):
    return {"header": header, "group": group, "year": year, "kind": kind, "field": field}


COLUMNS = [
    column("Kết quả năm 2023", 2023, "result", "households", "Tổng số hộ dân cư"),
    column("Kết quả năm 2023", 2023, "result", "poor_households", "Tổng số hộ nghèo"),
    column("Kết quả năm 2023", 2023, "result", "poverty_rate", "Tỷ lệ hộ nghèo (%)"),
    column("Năm 2024", 2024, "target", "planned_reduction", "Số hộ nghèo giảm"),
    column("Năm 2024", 2024, "target", "households", "Tổng số hộ dân cư"),
    column("Năm 2024", 2024, "target", "poor_households", "Tổng số hộ nghèo"),
    column("Năm 2024", 2024, "target", "poverty_rate", "Tỷ lệ hộ nghèo (%)"),
]

# (label, (households 2023, poor 2023, rate 2023, reduction 2024, households 2024, poor 2024, rate 2024))
CONSISTENT = [
    ("Huyện A", (10_000, 120, "1.2", 20, 10_100, 100, "0.99")),  # "1,2" as printed: 1,20
    ("Huyện B", (20_000, 500, "2.50", 150, 20_200, 350, "1.73")),
    ("Huyện C", (5_000, 250, "5.00", 50, 5_050, 200, "3.96")),
    ("Toàn tỉnh", (35_000, 870, "2.49", 220, 35_350, 650, "1.84")),
]
BROKEN = [
    ("Huyện A", (10_000, 120, "1.2", 20, 10_100, 100, "0.99")),
    ("Huyện B", (20_000, 500, "2.05", 150, 20_200, 350, "1.73")),  # wrong rate: 500 of 20.000 is 2,50
    ("Huyện C", (5_000, 250, "5.00", 50, 5_050, 210, "4.16")),  # wrong remaining: 250 − 50 is 200
    ("Toàn tỉnh", (35_000, 870, "2.49", 220, 35_305, 660, "1.87")),  # wrong households total: rows sum 35.350
]


def build_plan(slug: str, rows, *, first_year=2024, last_year=2025, total_first=False) -> Plan:
    """A province with one district per row but the total row (the last, or the first if `total_first`), and a
    household appendix."""
    province = ProvinceFactory(name=f"Tỉnh {slug}", slug=slug)
    plan = PlanFactory(province=province, slug=slug, first_year=first_year, last_year=last_year)
    appendix = HouseholdAppendixFactory(plan=plan, code="01", order=0, title="Phụ lục 01\nDỰ KIẾN", columns=COLUMNS)
    if total_first:
        rows = [rows[-1], *rows[:-1]]
    total_index = 0 if total_first else len(rows) - 1
    for order, (label, values) in enumerate(rows):
        is_total = order == total_index
        locality = province if is_total else DistrictFactory(name=label, slug=f"{slug}-{order}", parent=province)
        AppendixRowFactory(
            appendix=appendix,
            locality=locality,
            order=order,
            number="" if is_total else str(order + 1),
            label=label,
            is_total=is_total,
        )
        households_2023, poor_2023, rate_2023, reduction, households_2024, poor_2024, rate_2024 = values
        HouseholdFigureFactory(
            plan=plan,
            locality=locality,
            year=2023,
            kind="result",
            households=households_2023,
            poor_households=poor_2023,
            published_rate=Decimal(rate_2023),
        )
        HouseholdFigureFactory(
            plan=plan,
            locality=locality,
            year=2024,
            kind="target",
            households=households_2024,
            poor_households=poor_2024,
            published_rate=Decimal(rate_2024),
            planned_reduction=reduction,
        )
    return plan


def many_districts(count: int):
    rows = [(f"Huyện {n}", (1_000, 50, "5.00", 10, 1_000, 40, "4.00")) for n in range(count)]
    return [*rows, ("Toàn tỉnh", (1_000 * count, 50 * count, "5.00", 10 * count, 1_000 * count, 40 * count, "4.00"))]


SHOULD_FALL, SHOULD_RISE = Direction.DECREASE, Direction.INCREASE


def add_indicator(plan, direction, values, *, order=0, appendix=None, text=None):
    """An indicator of the plan that should rise or fall, with (year, kind, value, qualifier) values."""
    plan_indicator = PlanIndicatorFactory(
        plan=plan,
        indicator=IndicatorFactory(direction=direction),
        appendix=appendix,
        order=order,
        **({"text": text} if text else {}),
    )
    for year, kind, value, qualifier in values:
        IndicatorValueFactory(
            plan_indicator=plan_indicator, year=year, kind=kind, value=Decimal(value), qualifier=qualifier
        )
    return plan_indicator


# Seed fidelity: the findings of the two seed documents as published ---------------------------------


def test_hung_yen_gives_the_2024_total_and_the_rising_underweight_target():
    """Seed fidelity: the published total of 2024 is 9 short of its rows, and one target rises against its
    indicator's direction."""
    findings = check_plan(Plan.objects.get(slug=HY))
    assert summary(findings) == [
        (TOTAL_IS_SUM, "Phụ lục 01", "Tổng cộng", "Năm 2024 — Tổng số hộ nghèo", 2954, 2963, -9),
        (
            TARGET_DIRECTION,
            HY_PHU_LUC_02,
            "+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi",
            "2023",
            Decimal("9.8"),
            Decimal("9.7"),
            Decimal("0.1"),
        ),
    ]
    assert [f.appendix_code for f in findings] == ["01", "02"]


def test_hung_yen_total_finding_reads_as_a_vietnamese_sentence():
    """Seed fidelity: Hưng Yên's total finding, in the document's numbers."""
    total = check_plan(Plan.objects.get(slug=HY))[0]
    assert (total.published_text, total.computed_text, total.difference_text) == ("2.954", "2.963", "-9")
    assert "2.954" in total.message and "2.963" in total.message and "-9" in total.message


def test_hung_yen_rates_all_agree_with_their_counts_even_the_1_2_printed_for_kim_dong():
    """Seed fidelity: every rate Hưng Yên publishes follows from its counts."""
    rules = {f.rule for f in check_plan(Plan.objects.get(slug=HY))}
    assert not rules & {RATE_FROM_COUNTS, TOTAL_RATE_FROM_SUMS}


def test_hung_yen_falling_stunting_and_rising_coverage_targets_are_not_findings():
    """Seed fidelity: the targets of Hưng Yên that move the right way are not findings."""
    rows = {f.row for f in check_plan(Plan.objects.get(slug=HY)) if f.rule == TARGET_DIRECTION}
    assert rows == {"+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi"}


def test_thua_thien_hue_is_clean_its_remaining_counts_and_totals_add_up():
    """Seed fidelity: Thừa Thiên Huế's appendix adds up."""
    assert check_plan(Plan.objects.get(slug=TTH)) == []


# A plan built here, with planted errors ---------------------------------------------------------------


def test_planted_errors_are_each_found_on_their_row_and_column():
    findings = check_plan(build_plan("ke-hoach-loi", BROKEN))
    assert summary(findings) == [
        (
            RATE_FROM_COUNTS,
            "Phụ lục 01",
            "Huyện B",
            "Kết quả năm 2023 — Tỷ lệ hộ nghèo (%)",
            Decimal("2.05"),
            Decimal("2.50"),
            Decimal("-0.45"),
        ),
        (REMAINING_POOR, "Phụ lục 01", "Huyện C", "Năm 2024 — Tổng số hộ nghèo", 210, 200, 10),
        (TOTAL_IS_SUM, "Phụ lục 01", "Toàn tỉnh", "Năm 2024 — Tổng số hộ dân cư", 35_305, 35_350, -45),
        # Huyện C's extra 10 poor households reach the total, which is no longer 870 − 220.
        (REMAINING_POOR, "Phụ lục 01", "Toàn tỉnh", "Năm 2024 — Tổng số hộ nghèo", 660, 650, 10),
    ]
    rate, remaining, total, _ = findings
    assert (rate.published_text, rate.computed_text, rate.difference_text) == ("2,05", "2,50", "-0,45")
    assert "2,05" in rate.message and "2,50" in rate.message and "500" in rate.message and "20.000" in rate.message
    assert (remaining.difference_text, total.difference_text) == ("+10", "-45")
    assert "35.305" in total.message and "35.350" in total.message


def test_the_consistent_plan_has_no_findings_and_1_2_equals_1_20():
    assert check_plan(build_plan("ke-hoach-dung", CONSISTENT)) == []


def test_checking_never_changes_a_published_figure():
    plan = build_plan("ke-hoach-loi", BROKEN)
    before = sorted(
        HouseholdFigure.objects.filter(plan=plan).values_list(
            "pk", "households", "poor_households", "published_rate", "planned_reduction", "version"
        )
    )
    assert check_plan(plan)
    after = sorted(
        HouseholdFigure.objects.filter(plan=plan).values_list(
            "pk", "households", "poor_households", "published_rate", "planned_reduction", "version"
        )
    )
    assert after == before


def test_findings_follow_the_published_row_order_with_the_total_printed_first():
    """As Thừa Thiên Huế prints “Toàn tỉnh” above its districts. No household counts: no rate is checked."""
    rows = [
        (label, (None, poor, rate, cut, None, left, rate_2024))
        for label, (_h, poor, rate, cut, _h2, left, rate_2024) in CONSISTENT
    ]
    plan = build_plan("ke-hoach-tong-truoc", rows, total_first=True)
    HouseholdFigure.objects.filter(plan=plan, locality=plan.province, year=2024).update(poor_households=655)
    HouseholdFigure.objects.filter(plan=plan, locality__name="Huyện C", year=2024).update(planned_reduction=45)
    poor = "Năm 2024 — Tổng số hộ nghèo"
    assert summary(check_plan(plan)) == [
        (TOTAL_IS_SUM, "Phụ lục 01", "Toàn tỉnh", "Năm 2024 — Số hộ nghèo giảm", 220, 215, 5),
        (REMAINING_POOR, "Phụ lục 01", "Toàn tỉnh", poor, 655, 650, 5),
        (TOTAL_IS_SUM, "Phụ lục 01", "Toàn tỉnh", poor, 655, 650, 5),
        (REMAINING_POOR, "Phụ lục 01", "Huyện C", poor, 200, 205, -5),
    ]


def test_a_total_rate_that_does_not_follow_from_the_counts_is_found_twice():
    rows = [*CONSISTENT[:3], ("Toàn tỉnh", (35_000, 870, "2.49", 220, 35_350, 650, "1.90"))]
    findings = check_plan(build_plan("ke-hoach-ty-le", rows))
    assert summary(findings) == [
        (
            RATE_FROM_COUNTS,
            "Phụ lục 01",
            "Toàn tỉnh",
            "Năm 2024 — Tỷ lệ hộ nghèo (%)",
            Decimal("1.90"),
            Decimal("1.84"),
            Decimal("0.06"),
        ),
        (
            TOTAL_RATE_FROM_SUMS,
            "Phụ lục 01",
            "Toàn tỉnh",
            "Năm 2024 — Tỷ lệ hộ nghèo (%)",
            Decimal("1.90"),
            Decimal("1.84"),
            Decimal("0.06"),
        ),
    ]


def test_the_remaining_count_uses_the_previous_year_from_the_plans_figures_when_the_table_omits_it():
    plan = build_plan("ke-hoach-nam-truoc", CONSISTENT)
    appendix = plan.appendices.get()
    appendix.columns = COLUMNS[3:]  # 2024 only: the 2023 figures stay in the database, unshown
    appendix.save()
    HouseholdFigure.objects.filter(plan=plan, locality__name="Huyện B", year=2023).update(poor_households=490)
    findings = check_plan(plan)
    assert summary(findings) == [
        (REMAINING_POOR, "Phụ lục 01", "Huyện B", "Năm 2024 — Tổng số hộ nghèo", 350, 340, 10),
        # The 2023 figures are no longer shown in an appendix, so their rates are checked on their own.
        (
            RATE_FROM_COUNTS,
            findings[1].table,
            "Huyện B",
            findings[1].column,
            Decimal("2.50"),
            Decimal("2.45"),
            Decimal("0.05"),
        ),
    ]
    assert findings[1].appendix_code == "" and "2023" in findings[1].column


def test_a_rate_no_appendix_shows_is_found_two_hundredths_off_its_counts_and_not_one():
    # The database passes on only the rates that can disagree (analysis.quality._unshown_figure_findings): the
    # tolerance's edge must still be the rule's, whatever the database computes in floating point.
    plan = build_plan("ke-hoach-bien-dung-sai", CONSISTENT)
    appendix = plan.appendices.get()
    appendix.columns = COLUMNS[3:]  # 2024 only: the 2023 figures are checked on their own
    appendix.save()
    # Computed from the counts: 1,20; 2,50; 5,00; and the province's 2,49 (870 of 35.000 is 2,4857).
    published = {"Huyện A": "1.21", "Huyện B": "2.49", "Huyện C": "5.02", plan.province.name: "2.47"}
    for name, rate in published.items():
        HouseholdFigure.objects.filter(plan=plan, locality__name=name, year=2023).update(
            published_rate=Decimal(rate), published_rate_places=2
        )
    found = [(f.row, f.published, f.computed, f.difference) for f in check_plan(plan) if f.rule == RATE_FROM_COUNTS]
    assert found == [  # the province first, then its districts
        (plan.province.name, Decimal("2.47"), Decimal("2.49"), Decimal("-0.02")),
        ("Huyện C", Decimal("5.02"), Decimal("5.00"), Decimal("0.02")),
    ]


def test_targets_moving_against_the_direction_are_found_and_reduce_by_at_least_is_skipped():
    plan = build_plan("ke-hoach-chi-tieu", CONSISTENT, first_year=2023, last_year=2025)
    add_indicator(
        plan,
        SHOULD_FALL,  # underweight children
        [
            (2022, "baseline", "9.7", "exactly"),
            (2023, "target", "9.8", "exactly"),
            (2024, "result", "12", "exactly"),  # a result is not a target: not walked
            (2024, "target", "9.5", "exactly"),
            (2025, "target", "9", "below"),
        ],
        order=0,
        text="Trẻ suy dinh dưỡng",
    )
    add_indicator(
        plan,
        SHOULD_RISE,  # clean water
        [(2023, "baseline", "80", "exactly"), (2024, "target", "78.5", "exactly"), (2025, "target", "78.5", "exactly")],
        order=1,
        text="Nước sạch",
    )
    add_indicator(
        plan,
        SHOULD_FALL,  # the poverty rate of ethnic minorities, given as a change, not a level
        [
            (2023, "baseline", "10", "exactly"),
            (2024, "target", "3", "reduce_by_at_least"),
            (2025, "target", "9", "exactly"),
        ],
        order=2,
    )
    findings = check_plan(plan)
    assert [(f.rule, f.row, f.column, f.published, f.computed, f.difference) for f in findings] == [
        (TARGET_DIRECTION, "Trẻ suy dinh dưỡng", "2023", Decimal("9.8"), Decimal("9.7"), Decimal("0.1")),
        (TARGET_DIRECTION, "Nước sạch", "2024", Decimal("78.5"), Decimal("80"), Decimal("-1.5")),
    ]
    assert {f.appendix_code for f in findings} == {""}
    assert findings[1].difference_text == "-1,5" and "78,5" in findings[1].message


def test_indicator_findings_sit_under_their_appendix_heading():
    plan = build_plan("ke-hoach-phu-luc-chi-tieu", CONSISTENT, first_year=2023, last_year=2025)
    appendix = IndicatorAppendixFactory(plan=plan, code="02", order=1, title="Phụ lục 02\nCHỈ TIÊU", columns=[])
    add_indicator(
        plan,
        SHOULD_FALL,  # stunted children
        [(2022, "baseline", "20", "exactly"), (2023, "target", "21", "exactly")],
        appendix=appendix,
    )
    (finding,) = check_plan(plan)
    assert (finding.table, finding.appendix_code, finding.column) == ("Phụ lục 02", "02", "2023")


def test_findings_are_grouped_by_table_in_order():
    plan = build_plan("ke-hoach-nhom", BROKEN, first_year=2023, last_year=2025)
    appendix = IndicatorAppendixFactory(plan=plan, code="02", order=1, title="Phụ lục 02\nCHỈ TIÊU", columns=[])
    add_indicator(
        plan, SHOULD_FALL, [(2022, "baseline", "20", "exactly"), (2023, "target", "21", "exactly")], appendix=appendix
    )
    groups = group_findings(check_plan(plan))
    assert [(table, len(findings)) for table, findings in groups] == [("Phụ lục 01", 4), ("Phụ lục 02", 1)]


# Queries ----------------------------------------------------------------------------------------------


def test_the_check_needs_the_same_few_queries_for_3_or_40_districts(django_assert_max_num_queries):
    small = build_plan("ke-hoach-nho", CONSISTENT)
    add_indicator(small, SHOULD_RISE, [(2023, "baseline", "80", "exactly"), (2024, "target", "85", "exactly")])
    large = build_plan("ke-hoach-lon", many_districts(40), first_year=2023, last_year=2030)
    for order, direction in enumerate([SHOULD_RISE, SHOULD_RISE, SHOULD_FALL, SHOULD_FALL]):
        add_indicator(
            large,
            direction,
            [(year, "target", str(50 + year - 2023), "exactly") for year in range(2023, 2031)],
            order=order,
        )
    with CaptureQueriesContext(connection) as small_queries:
        check_plan(small)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as large_queries:
        findings = check_plan(large)
    assert len(findings) == 14  # the two should-fall indicators rise in each of 2024–2030
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


# The page ---------------------------------------------------------------------------------------------


def test_the_quality_page_is_public_and_shows_the_findings_the_vietnamese_way(client):
    plan = build_plan("ke-hoach-loi", BROKEN)
    response = client.get(reverse("reports:quality", args=[plan.slug]))
    assert response.status_code == 200
    assert summary(response.context["findings"]) == summary(check_plan(plan))
    page = parse(response.content.decode())
    text = page.text
    assert "35.305" in text and "35.350" in text and "2,05" in text and "2,50" in text
    assert "Phụ lục 01" in text and "Toàn tỉnh" in text and "Huyện B" in text
    links = {link["href"] for link in page.find_all("a")}
    assert {reverse("reports:plan", args=[plan.slug]), reverse("reports:home")} <= links
    assert page.find("span", class_="badge").text == "4 phát hiện"
    assert "warn" in page.find("span", class_="badge")["class"].split()


def test_the_quality_page_of_a_clean_plan_says_so(client):
    plan = build_plan("ke-hoach-sach", CONSISTENT)
    response = client.get(reverse("reports:quality", args=[plan.slug]))
    assert response.status_code == 200
    badge = parse(response.content.decode()).find("span", class_="badge")
    assert badge["class"] == "badge ok"
    assert badge.text == "Không có phát hiện nào: mọi số liệu kiểm tra được đều khớp."
    assert response.context["findings"] == []


def test_the_quality_page_of_an_unknown_plan_is_404(client):
    assert client.get(reverse("reports:quality", args=["khong-co"])).status_code == 404


# The command ------------------------------------------------------------------------------------------


def test_the_command_prints_the_findings_and_exits_1_when_there_are_some():
    build_plan("ke-hoach-loi", BROKEN)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_plan_data", "ke-hoach-loi", stdout=out)
    assert exit_info.value.code == 1
    lines = out.getvalue().strip().splitlines()
    assert "Phụ lục 01 | Toàn tỉnh | Năm 2024 — Tổng số hộ dân cư" in lines
    assert "Phụ lục 01 | Huyện B | Kết quả năm 2023 — Tỷ lệ hộ nghèo (%)" in lines
    output = out.getvalue()
    assert "35.305" in output and "35.350" in output and "-45" in output
    assert "2,05" in output and "2,50" in output and "-0,45" in output
    assert lines[-1] == "4 phát hiện."  # the summary line counts them


def test_the_command_exits_0_for_a_consistent_plan():
    build_plan("ke-hoach-sach", CONSISTENT)
    out = StringIO()
    call_command("check_plan_data", "ke-hoach-sach", stdout=out)  # no SystemExit: status 0
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "Không có phát hiện nào: mọi số liệu kiểm tra được đều khớp."
    assert " | " not in out.getvalue()  # no finding printed


def test_the_command_refuses_an_unknown_plan():
    with pytest.raises(CommandError, match="khong-co"):
        call_command("check_plan_data", "khong-co", stdout=StringIO())

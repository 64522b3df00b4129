"""Results against targets: the state rule, districts and the province roll-up, indicators, reporting deadlines.

The rules are shown on plans each test builds (tests/factories.py); only the last test reads the seed plans.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from analysis.deadlines import Deadline, DeadlineState
from analysis.results import (
    State,
    Target,
    assess,
    district_results,
    elapsed_fraction,
    indicator_results,
)
from indicators.models import Direction, IndicatorValue, Qualifier
from plan_tables.selectors import household_appendices
from plans.models import HouseholdFigure, ReportingFrequency, ReportingObligation

from .conftest import HY, TTH
from .factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanIndicatorFactory,
    ReportingObligationFactory,
    make_household_plan,
)
from .helpers_b_html import parse
from .helpers_b_plans import district

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


# --- the rule -----------------------------------------------------------------------------------------


def test_the_elapsed_fraction_of_a_year_counts_its_days():
    assert elapsed_fraction(datetime.date(2023, 6, 30), 2023) == Decimal(181) / Decimal(365)
    assert elapsed_fraction(datetime.date(2023, 12, 31), 2023) == 1
    assert elapsed_fraction(datetime.date(2022, 12, 1), 2023) == 0
    assert elapsed_fraction(datetime.date(2024, 12, 31), 2024) == 1  # a leap year


def test_a_final_result_meets_a_falling_target_at_or_under_it():
    target = Target(Decimal("1.51"))
    after_the_year = datetime.date(2024, 1, 15)
    assert assess(target, Decimal("1.51"), year=2023, result_date=after_the_year).state == State.ACHIEVED
    assert assess(target, Decimal("1.52"), year=2023, result_date=after_the_year).state == State.BEHIND
    undated = assess(target, Decimal("1.40"), year=2023, result_date=None)
    assert undated.state == State.ACHIEVED and undated.final
    assert assess(target, None, year=2023, result_date=None).state == State.NO_RESULT
    assert assess(None, Decimal(1), year=2023, result_date=None).state == State.NO_RESULT


def test_an_interim_result_is_on_track_when_it_moved_by_the_elapsed_share_of_the_year():
    # Baseline 2,00 → target 1,00: by 30/06 (181/365 of the year) at least 0,4959 of the way, i.e. ≤ 1,5041.
    target, mid_year = Target(Decimal("1.00")), datetime.date(2023, 6, 30)
    on_track = assess(target, Decimal("1.50"), year=2023, result_date=mid_year, baseline=Decimal("2.00"))
    assert on_track.state == State.ON_TRACK and not on_track.final and on_track.elapsed_percent == 50
    assert assess(target, Decimal("1.51"), year=2023, result_date=mid_year, baseline=Decimal(2)).state == State.BEHIND
    # Already at the target in the year: on track (not yet achieved: the year is not over).
    assert assess(target, Decimal("0.9"), year=2023, result_date=mid_year, baseline=Decimal(2)).state == State.ON_TRACK
    # Without a baseline the movement cannot be measured.
    assert assess(target, Decimal("1.2"), year=2023, result_date=mid_year).state == State.BEHIND


@pytest.mark.parametrize(
    ("qualifier", "rises", "target", "result", "baseline", "meets"),
    [
        (Qualifier.AT_LEAST, True, "95", "95", None, True),
        (Qualifier.AT_LEAST, True, "95", "94.9", None, False),
        (Qualifier.ABOVE, True, "68", "68", None, False),
        (Qualifier.ABOVE, True, "68", "68.1", None, True),
        (Qualifier.AT_MOST, False, "5", "5", None, True),
        (Qualifier.BELOW, False, "9", "9", None, False),
        (Qualifier.BELOW, False, "9", "8.9", None, True),
        (Qualifier.ABOUT, False, "2050", "1948", None, True),  # 5 % of 2.050 is 102,5
        (Qualifier.ABOUT, False, "2050", "1947", None, False),
        (Qualifier.ABOUT, False, "2050", "2152", None, True),
        (Qualifier.EXACTLY, True, "100", "100", None, True),
        (Qualifier.EXACTLY, True, "100", "99", None, False),
        (Qualifier.EXACTLY, False, "86.74", "80", None, True),
        (Qualifier.EXACTLY, False, "86.74", "90", None, False),
        (Qualifier.REDUCE_BY_AT_LEAST, False, "1", "2.5", "3.5", True),
        (Qualifier.REDUCE_BY_AT_LEAST, False, "1", "2.6", "3.5", False),
    ],
)
def test_qualifiers_decide_whether_a_result_meets_its_target(qualifier, rises, target, result, baseline, meets):
    rule = Target(Decimal(target), qualifier, rises=rises, baseline=Decimal(baseline) if baseline else None)
    assert rule.meets(Decimal(result)) is meets


def test_reduce_by_at_least_needs_a_baseline():
    rule = Target(Decimal(1), Qualifier.REDUCE_BY_AT_LEAST)
    assert assess(rule, Decimal(2), year=2024, result_date=None).state == State.NO_RESULT


# --- districts and the province roll-up -------------------------------------------------------------

JAN_2023, MID_2022 = datetime.date(2023, 1, 15), datetime.date(2022, 6, 30)
# The plan's 2022 targets (households / poor / rate; the 2021 result as the baseline):
#   Huyện Số 1 10.000 / 450 / 4,50 (2021: 5,00) · Huyện Số 2 10.100 / 451 / 4,47 (4,96)
#   Huyện Số 3 10.200 / 452 / 4,43 (4,92)       · Huyện Số 4 10.300 / 453 / 4,40 (4,88) · Huyện Số 5: no result
RESULTS_2022 = {
    1: (10000, 440, JAN_2023),  # 4,40 ≤ 4,50, final → achieved
    2: (10100, 500, JAN_2023),  # 4,95 > 4,47, final → behind
    3: (10200, 470, MID_2022),  # 4,61: 0,31 of the 0,49 to go by mid-year → on track
    4: (10300, 500, MID_2022),  # 4,85: 0,03 of the 0,48 to go by mid-year → behind
}
EXPECTED_2022 = {1: State.ACHIEVED, 2: State.BEHIND, 3: State.ON_TRACK, 4: State.BEHIND, 5: State.NO_RESULT}


@pytest.fixture
def plan():
    """Five districts, 2021 (results) to 2023 (targets)."""
    return make_household_plan(districts=5)


def record_results(plan, results, year=2022):
    for number, (households, poor, day) in results.items():
        HouseholdFigure.objects.create(
            plan=plan,
            locality=district(plan, number),
            year=year,
            kind="result",
            households=households,
            poor_households=poor,
            source="Quyết định phê duyệt kết quả rà soát hộ nghèo",
            source_date=day,
        )


def test_district_results_are_achieved_behind_on_track_or_not_yet_reported(plan):
    record_results(plan, RESULTS_2022)
    (appendix,) = household_appendices(plan)
    results = district_results(appendix)
    assert [y.year for y in results.years] == [2022, 2023]
    lines = {line.row.locality_slug: line for line in results.years[0].rows}
    assert {n: lines[district(plan, n).slug].assessment.state for n in EXPECTED_2022} == EXPECTED_2022
    first = lines[district(plan, 1).slug]
    assert first.measure == "rate" and first.assessment.final
    assert lines[district(plan, 3).slug].baseline.year == 2021  # the previous year's result


def test_the_province_roll_up_sums_the_districts_and_recomputes_the_rate(plan):
    record_results(plan, RESULTS_2022)
    rollup = district_results(household_appendices(plan)[0]).years[0].rollup
    assert (rollup.reported, rollup.districts) == (4, 5)
    assert rollup.households == 10000 + 10100 + 10200 + 10300 == 40600
    assert rollup.poor_households == 440 + 500 + 470 + 500 == 1910
    assert rollup.rate == Decimal("4.70")  # 1.910 / 40.600, half-up
    assert rollup.target.poor_households == 450 + 451 + 452 + 453 + 454  # the province's own 2022 target
    assert rollup.published is None and rollup.assessment.state == State.NO_RESULT  # not every district reported


def test_the_results_page_shows_states_and_the_roll_up_formatted(client, plan):
    record_results(plan, RESULTS_2022)
    response = client.get(reverse("reports:results", args=[plan.slug]))  # public, like the plan
    assert response.status_code == 200
    section = parse(response).by_id("districts-01-2022").next_sibling("div")
    states = {row.attrs["data-locality"]: row.attrs["data-state"] for row in section.find_all("tr", data_locality=True)}
    assert states == {district(plan, n).slug: str(state) for n, state in EXPECTED_2022.items()}
    assertInHTML('<td class="num rollup-households">40.600</td>', section.html)
    assertInHTML('<td class="num rollup-poor">1.910</td>', section.html)
    assertInHTML('<td class="num rollup-rate">4,70</td>', section.html)
    first = section.find("tr", data_locality=district(plan, 1).slug)
    assert "15/01/2023" in first.text and "4,40" in first.text


def test_a_complete_roll_up_is_judged_against_the_provinces_target(plan):
    (appendix,) = household_appendices(plan)
    targets = HouseholdFigure.objects.filter(plan=plan, year=2022, kind="target").exclude(locality=plan.province)
    record_results(
        plan, {number: (f.households, f.poor_households, JAN_2023) for number, f in enumerate(targets, start=1)}
    )
    HouseholdFigure.objects.create(
        plan=plan,
        locality=plan.province,
        year=2022,
        kind="result",
        households=51000,
        poor_households=2260,
        published_rate=Decimal("4.43"),
        source_date=JAN_2023,
    )
    rollup = district_results(appendix).years[0].rollup
    assert rollup.complete and rollup.poor_households == 2260 and rollup.households == 51000
    assert rollup.rate == Decimal("4.43") and not rollup.rate_differs
    assert rollup.assessment.state == State.ACHIEVED


def test_a_result_without_households_is_judged_by_its_published_rate(plan):
    (appendix,) = household_appendices(plan)
    HouseholdFigure.objects.create(
        plan=plan, locality=district(plan, 1), year=2022, kind="result", published_rate=Decimal("0.01")
    )
    line = district_results(appendix).years[0].rows[0]
    assert line.measure == "rate" and line.assessment.state == State.ACHIEVED


# --- indicators ---------------------------------------------------------------------------------------

UNDERWEIGHT, POVERTY = "thu-tre-suy-dinh-duong", "thu-ty-le-ngheo"


@pytest.fixture
def indicators(small_plan):
    """Two falling indicators of the small plan (2021–2023): underweight children, 9,6 in 2022 then “dưới 9” in
    2023, and the poverty rate, “khoảng 0,5” in 2023."""
    underweight = PlanIndicatorFactory(
        plan=small_plan,
        indicator=IndicatorFactory(code=UNDERWEIGHT, direction=Direction.DECREASE),
        text="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng",
    )
    IndicatorValueFactory(plan_indicator=underweight, year=2022, value=Decimal("9.6"))
    IndicatorValueFactory(plan_indicator=underweight, year=2023, value=Decimal(9), qualifier=Qualifier.BELOW)
    poverty = PlanIndicatorFactory(
        plan=small_plan, indicator=IndicatorFactory(code=POVERTY, direction=Direction.DECREASE)
    )
    IndicatorValueFactory(plan_indicator=poverty, year=2023, value=Decimal("0.5"), qualifier=Qualifier.ABOUT)
    return small_plan


def indicator_result(plan, code, year, value, day):
    return IndicatorValue.objects.create(
        plan_indicator=plan.indicators.get(indicator__code=code),
        year=year,
        kind="result",
        value=Decimal(value),
        source="Báo cáo của Sở Y tế",
        source_date=day,
    )


def indicator_state(plan, code, year):
    line = next(i for i in indicator_results(plan) if i.plan_indicator.indicator.code == code)
    return next(item for item in line.years if item.year == year).assessment.state


@pytest.mark.parametrize(
    ("value", "day", "state"),
    [
        ("8.5", datetime.date(2024, 1, 20), State.ACHIEVED),
        ("9", datetime.date(2024, 1, 20), State.BEHIND),  # “dưới 9”: 9 is not below 9
        ("9.2", datetime.date(2023, 6, 30), State.ON_TRACK),  # from 9,6 (the 2022 target) 0,4 of 0,6 by mid-year
        ("9.5", datetime.date(2023, 6, 30), State.BEHIND),
    ],
)
def test_an_indicator_result_is_judged_against_below_9(indicators, value, day, state):
    indicator_result(indicators, UNDERWEIGHT, 2023, value, day)
    assert indicator_state(indicators, UNDERWEIGHT, 2023) == state


@pytest.mark.parametrize(
    ("value", "state"), [("0.52", State.ACHIEVED), ("0.48", State.ACHIEVED), ("0.6", State.BEHIND)]
)
def test_an_indicator_result_is_judged_against_about_0_5(indicators, value, state):
    indicator_result(indicators, POVERTY, 2023, value, None)
    assert indicator_state(indicators, POVERTY, 2023) == state


def test_the_results_page_shows_an_indicator_result_with_its_qualified_target(client, indicators):
    indicator_result(indicators, UNDERWEIGHT, 2023, "8.5", datetime.date(2024, 1, 20))
    page = parse(client.get(reverse("reports:results", args=[indicators.slug])))
    row = page.find("tr", data_indicator=UNDERWEIGHT, data_year="2023")
    assert row.attrs["data-state"] == "achieved"
    year, baseline, target, result, _source, date = (cell.text for cell in row.find_all("td")[:6])
    assert (year, baseline, target, result, date) == ("2023", "9,6", "dưới 9", "8,5", "20/01/2024")


def test_the_results_page_of_a_plan_that_is_not_public_is_not_found(client, small_plan):
    small_plan.is_public = False
    small_plan.save()
    assert client.get(reverse("reports:results", args=[small_plan.slug])).status_code == 404


# --- reporting deadlines ------------------------------------------------------------------------------


def test_a_reporting_deadline_is_due_overdue_reported_or_undated():
    obligation = ReportingObligation(due_date=datetime.date(2024, 11, 30))
    assert Deadline(obligation, datetime.date(2024, 11, 27)).state == DeadlineState.DUE
    assert Deadline(obligation, datetime.date(2024, 11, 27)).days_left == 3
    overdue = Deadline(obligation, datetime.date(2024, 12, 5))
    assert (overdue.state, overdue.days_overdue) == (DeadlineState.OVERDUE, 5)
    obligation.reported_on = datetime.date(2024, 12, 2)
    reported = Deadline(obligation, datetime.date(2024, 12, 5))
    assert (reported.state, reported.days_late) == (DeadlineState.REPORTED, 2)
    assert Deadline(ReportingObligation(), datetime.date(2024, 1, 1)).state == DeadlineState.UNDATED


@pytest.fixture
def obligation(small_plan):
    """A one-off report of the small plan, due 30/11/2021."""
    return ReportingObligationFactory(plan=small_plan)


def mark_url(obligation):
    return reverse("review:mark_reported", args=[obligation.plan.slug, obligation.pk])


def obligation_row(client, obligation):
    return parse(client.get(reverse("reports:results", args=[obligation.plan.slug]))).by_id(
        f"obligation-{obligation.pk}"
    )


def test_a_reviewer_marks_an_obligation_reported(client, obligation, small_plan_people):
    client.force_login(small_plan_people["reviewer"])
    response = client.post(
        mark_url(obligation), {"reported_on": "15/01/2024", "report_note": "Báo cáo số 12/BC-SLĐTBXH"}
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert (obligation.reported_on, obligation.report_note) == (datetime.date(2024, 1, 15), "Báo cáo số 12/BC-SLĐTBXH")
    row = obligation_row(client, obligation)
    assert "15/01/2024" in row.text and row.find(class_="badge").attrs["class"] == "badge ok"
    # Without a date: today.
    client.post(mark_url(obligation), {"report_note": ""})
    obligation.refresh_from_db()
    assert obligation.reported_on == timezone.localdate()


def test_marking_reported_is_refused_for_an_official_and_for_a_get(client, obligation, small_plan_people):
    client.force_login(small_plan_people["official"])
    response = client.post(mark_url(obligation), {"reported_on": "15/01/2024"})
    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.reported_on is None
    assert client.get(mark_url(obligation)).status_code == 405
    # Officials see the deadlines, without the form.
    row = obligation_row(client, obligation)
    assert "30/11/2021" in row.text and not row.find_all("form")


def test_an_invalid_date_records_nothing(client, obligation, small_plan_people):
    client.force_login(small_plan_people["reviewer"])
    response = client.post(mark_url(obligation), {"reported_on": "2024-31-01"}, follow=True)
    assert len(response.context["messages"]) == 1
    obligation.refresh_from_db()
    assert obligation.reported_on is None


def test_an_obligation_of_another_plan_is_not_found(client, small_plan, small_plan_people):
    other = ReportingObligationFactory()  # of a plan of another province
    client.force_login(small_plan_people["reviewer"])
    assert client.post(reverse("review:mark_reported", args=[small_plan.slug, other.pk])).status_code == 404


def test_a_past_due_date_is_overdue_and_a_periodic_report_has_no_deadline_state(client, obligation):
    row = obligation_row(client, obligation)
    assert "30/11/2021" in row.text and row.find(class_="badge").attrs["class"] == "badge overdue"  # long past
    periodic = ReportingObligationFactory(frequency=ReportingFrequency.PERIODIC, due_date=None)  # another plan's
    page = parse(client.get(reverse("reports:results", args=[periodic.plan.slug])))
    reporting = page.by_id("reporting")
    assert reporting.by_id(f"obligation-{periodic.pk}")
    assert not reporting.find_all(class_="overdue")


def test_the_review_history_and_results_pages_answer_for_both_seed_plans(client, hung_yen_people):
    """Seed fidelity: the pages render the real documents' tables (Hưng Yên's and Thừa Thiên Huế's layouts)."""
    client.force_login(hung_yen_people["reader"])
    for slug in (HY, TTH):
        for name in ("review:review", "review:history", "reports:results"):
            assert client.get(reverse(name, args=[slug])).status_code == 200, (slug, name)

"""Results against targets: the state rule, districts and the province roll-up, indicators, reporting deadlines."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from analysis.deadlines import Deadline, DeadlineState
from analysis.results import (
    State,
    Target,
    assess,
    district_results,
    elapsed_fraction,
    indicator_results,
)
from indicators.models import IndicatorValue, PlanIndicator, Qualifier
from localities.models import Locality
from plan_tables.selectors import household_appendices
from plans.models import HouseholdFigure, Plan, ReportingObligation

from .test_review import HY, hung_yen_people

pytestmark = pytest.mark.django_db

TTH = "thua-thien-hue-2024"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def plan():
    return Plan.objects.get(slug=HY)


# --- the rule -----------------------------------------------------------------------------------------


def test_elapsed_fraction_of_the_year():
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

JAN_2024, MID_2023 = datetime.date(2024, 1, 15), datetime.date(2023, 6, 30)
# Hưng Yên 2023 (target households / poor / rate; 2022 result as the baseline):
#   Phù Cừ 29.609 / 448 / 1,51 (2022: 2,21) · Tiên Lữ 32.629 / 405 / 1,24 (2,09)
#   Kim Động 40.820 / 490 / 1,20 (1,74)     · Ân Thi 48.959 / 936 / 1,91 (3,79)
RESULTS_2023 = {
    "hung-yen-phu-cu": (29700, 440, JAN_2024),  # 1,48 ≤ 1,51, final → achieved
    "hung-yen-tien-lu": (32700, 500, JAN_2024),  # 1,53 > 1,24, final → behind
    "hung-yen-kim-dong": (40700, 550, MID_2023),  # 1,35: 0,39 of the 0,54 to go by mid-year → on track
    "hung-yen-an-thi": (48600, 1600, MID_2023),  # 3,29: 0,50 of the 1,88 to go by mid-year → behind
}
EXPECTED_2023 = {
    "hung-yen-phu-cu": State.ACHIEVED,
    "hung-yen-tien-lu": State.BEHIND,
    "hung-yen-kim-dong": State.ON_TRACK,
    "hung-yen-an-thi": State.BEHIND,
}


def record_results(plan, results, year=2023):
    for slug, (households, poor, day) in results.items():
        HouseholdFigure.objects.create(
            plan=plan,
            locality=Locality.objects.get(slug=slug),
            year=year,
            kind="result",
            households=households,
            poor_households=poor,
            source="Quyết định phê duyệt kết quả rà soát hộ nghèo",
            source_date=day,
        )


def year_section(html: str, code: str, year: int) -> str:
    return html.split(f'id="districts-{code}-{year}"', 1)[1].split("<h3", 1)[0].split("<h2", 1)[0]


def test_district_results_of_2023_are_achieved_behind_or_on_track(plan):
    record_results(plan, RESULTS_2023)
    (appendix,) = household_appendices(plan)
    results = district_results(appendix)
    assert [y.year for y in results.years] == [2023, 2024, 2025]
    lines = {line.row.locality_slug: line for line in results.years[0].rows}
    assert {slug: lines[slug].assessment.state for slug in EXPECTED_2023} == EXPECTED_2023
    assert lines["hung-yen-van-lam"].assessment.state == State.NO_RESULT
    assert lines["hung-yen-phu-cu"].measure == "rate" and lines["hung-yen-phu-cu"].assessment.final
    assert lines["hung-yen-kim-dong"].baseline.year == 2022  # the previous year's result


def test_the_province_roll_up_sums_the_districts_and_recomputes_the_rate(plan):
    record_results(plan, RESULTS_2023)
    rollup = district_results(household_appendices(plan)[0]).years[0].rollup
    assert (rollup.reported, rollup.districts) == (4, 10)
    assert rollup.households == 29700 + 32700 + 40700 + 48600 == 151700
    assert rollup.poor_households == 440 + 500 + 550 + 1600 == 3090
    assert rollup.rate == Decimal("2.04")  # 3.090 / 151.700, half-up
    assert rollup.target.poor_households == 4607  # the province's own 2023 target
    assert rollup.published is None and rollup.assessment.state == State.NO_RESULT  # not every district reported


def test_the_results_page_shows_states_and_the_roll_up_formatted(client, plan):
    record_results(plan, RESULTS_2023)
    response = client.get(reverse("reports:results", args=[HY]))  # public, like the plan
    assert response.status_code == 200
    section = year_section(response.content.decode(), "01", 2023)
    for slug, state in EXPECTED_2023.items():
        assert f'data-locality="{slug}" data-state="{state}"' in section, slug
    assert 'data-locality="hung-yen-van-lam" data-state="no_result"' in section
    assert '<td class="num rollup-households">151.700</td>' in section
    assert '<td class="num rollup-poor">3.090</td>' in section
    assert '<td class="num rollup-rate">2,04</td>' in section
    assert "15/01/2024" in section and "1,48" in section


def test_a_complete_roll_up_is_judged_against_the_provinces_target(plan):
    (appendix,) = household_appendices(plan)
    targets = HouseholdFigure.objects.filter(plan=plan, year=2023, kind="target").exclude(locality__slug="hung-yen")
    record_results(plan, {f.locality.slug: (f.households, f.poor_households, JAN_2024) for f in targets})
    HouseholdFigure.objects.create(
        plan=plan,
        locality=Locality.objects.get(slug="hung-yen"),
        year=2023,
        kind="result",
        households=410858,
        poor_households=4607,
        published_rate=Decimal("1.12"),
        source_date=JAN_2024,
    )
    rollup = district_results(appendix).years[0].rollup
    assert rollup.complete and rollup.poor_households == 4607 and rollup.households == 410858
    assert rollup.rate == Decimal("1.12") and not rollup.rate_differs
    assert rollup.assessment.state == State.ACHIEVED


def test_a_table_without_households_is_judged_by_its_published_rates(plan):
    tth = Plan.objects.get(slug=TTH)
    (appendix,) = household_appendices(tth)
    year = district_results(appendix).years[0]
    first = year.rows[0]
    HouseholdFigure.objects.create(
        plan=tth, locality_id=first.row.locality_id, year=2024, kind="result", published_rate=Decimal("0.01")
    )
    line = district_results(appendix).years[0].rows[0]
    assert line.measure == "rate" and line.assessment.state == State.ACHIEVED


# --- indicators ---------------------------------------------------------------------------------------


def indicator_result(plan, code, year, value, day):
    plan_indicator = PlanIndicator.objects.get(plan=plan, indicator__code=code)
    return IndicatorValue.objects.create(
        plan_indicator=plan_indicator,
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
        ("8,5", datetime.date(2026, 1, 20), State.ACHIEVED),
        ("9", datetime.date(2026, 1, 20), State.BEHIND),  # “dưới 9”: 9 is not below 9
        ("9,2", datetime.date(2025, 6, 30), State.ON_TRACK),  # from 9,6 (the 2024 target) 0,4 of 0,6 by mid-year
        ("9,5", datetime.date(2025, 6, 30), State.BEHIND),
    ],
)
def test_an_indicator_result_against_below_9(plan, value, day, state):
    target = PlanIndicator.objects.get(plan=plan, indicator__code="underweight-children").values.get(
        year=2025, kind="target"
    )
    assert (target.qualifier, target.value) == (Qualifier.BELOW, Decimal(9))
    indicator_result(plan, "underweight-children", 2025, value.replace(",", "."), day)
    assert indicator_state(plan, "underweight-children", 2025) == state


@pytest.mark.parametrize(
    ("value", "state"), [("0.52", State.ACHIEVED), ("0.48", State.ACHIEVED), ("0.6", State.BEHIND)]
)
def test_an_indicator_result_against_about_0_5(plan, value, state):
    target = PlanIndicator.objects.get(plan=plan, indicator__code="poverty-rate").values.get(year=2025, kind="target")
    assert (target.qualifier, target.value) == (Qualifier.ABOUT, Decimal("0.5"))
    indicator_result(plan, "poverty-rate", 2025, value, None)
    assert indicator_state(plan, "poverty-rate", 2025) == state


def test_the_results_page_shows_an_indicator_result_with_its_qualified_target(client, plan):
    indicator_result(plan, "underweight-children", 2025, "8.5", datetime.date(2026, 1, 20))
    html = client.get(reverse("reports:results", args=[HY])).content.decode()
    row = re.search(r'<tr data-indicator="underweight-children" data-year="2025"[^>]*>(.*?)</tr>', html, re.S)
    assert 'data-state="achieved"' in row.group(0)
    assert "8,5" in row.group(1) and "20/01/2026" in row.group(1) and "9</td>" in row.group(1)


def test_results_page_of_a_plan_that_is_not_public_is_not_found(client, plan):
    plan.is_public = False
    plan.save()
    assert client.get(reverse("reports:results", args=[HY])).status_code == 404


# --- reporting deadlines ------------------------------------------------------------------------------


def test_reporting_states_due_overdue_reported():
    obligation = ReportingObligation(due_date=datetime.date(2024, 11, 30))
    assert Deadline(obligation, datetime.date(2024, 11, 27)).state == DeadlineState.DUE
    assert Deadline(obligation, datetime.date(2024, 11, 27)).days_left == 3
    overdue = Deadline(obligation, datetime.date(2024, 12, 5))
    assert (overdue.state, overdue.days_overdue) == (DeadlineState.OVERDUE, 5)
    obligation.reported_on = datetime.date(2024, 12, 2)
    reported = Deadline(obligation, datetime.date(2024, 12, 5))
    assert (reported.state, reported.days_late) == (DeadlineState.REPORTED, 2)
    assert Deadline(ReportingObligation(), datetime.date(2024, 1, 1)).state == DeadlineState.UNDATED


def mark_url(obligation):
    return reverse("review:mark_reported", args=[obligation.plan.slug, obligation.pk])


def test_a_reviewer_marks_an_obligation_reported(client, plan):
    people = hung_yen_people()
    obligation = plan.reporting_obligations.first()
    client.force_login(people["reviewer"])
    response = client.post(
        mark_url(obligation), {"reported_on": "15/01/2024", "report_note": "Báo cáo số 12/BC-SLĐTBXH"}
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert (obligation.reported_on, obligation.report_note) == (datetime.date(2024, 1, 15), "Báo cáo số 12/BC-SLĐTBXH")
    html = client.get(reverse("reports:results", args=[HY])).content.decode()
    state = html.split(f'id="obligation-{obligation.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "15/01/2024" in state and "badge ok" in state
    # Without a date: today.
    client.post(mark_url(obligation), {"report_note": ""})
    obligation.refresh_from_db()
    assert obligation.reported_on == timezone.localdate()


def test_marking_reported_is_refused_for_an_official_and_a_get(client, plan):
    people = hung_yen_people()
    obligation = plan.reporting_obligations.first()
    client.force_login(people["official"])
    response = client.post(mark_url(obligation), {"reported_on": "15/01/2024"})
    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.reported_on is None
    assert client.get(mark_url(obligation)).status_code == 405
    # Officials see the deadlines, without the form.
    html = client.get(reverse("reports:results", args=[HY])).content.decode()
    assert "/reported/" not in html


def test_an_invalid_date_records_nothing(client, plan):
    people = hung_yen_people()
    obligation = plan.reporting_obligations.first()
    client.force_login(people["reviewer"])
    response = client.post(mark_url(obligation), {"reported_on": "2024-31-01"}, follow=True)
    assert len(response.context["messages"]) == 1
    obligation.refresh_from_db()
    assert obligation.reported_on is None


def test_an_obligation_of_another_plan_is_not_found(client, plan):
    people = hung_yen_people()
    other = ReportingObligation.objects.exclude(plan=plan).first()
    client.force_login(people["reviewer"])
    assert client.post(reverse("review:mark_reported", args=[HY, other.pk])).status_code == 404


def test_both_plans_show_their_deadlines_with_their_state(client):
    html = client.get(reverse("reports:results", args=[TTH])).content.decode()
    obligation = Plan.objects.get(slug=TTH).reporting_obligations.get(due_date=datetime.date(2024, 11, 30))
    row = html.split(f'id="obligation-{obligation.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "30/11/2024" in row and "badge overdue" in row  # long past
    html = client.get(reverse("reports:results", args=[HY])).content.decode()
    assert 'id="reporting"' in html and "badge overdue" not in html.split('id="reporting"', 1)[1]  # periodic, undated


def test_the_review_and_history_pages_answer_for_both_plans(client):
    people = hung_yen_people()
    client.force_login(people["reader"])
    for slug in (HY, TTH):
        for name in ("review:review", "review:history", "reports:results"):
            assert client.get(reverse(name, args=[slug])).status_code == 200, (slug, name)

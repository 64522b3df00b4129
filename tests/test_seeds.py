"""Both plans load completely and exactly as published."""

from decimal import Decimal

import pytest

from indicators.models import IndicatorValue, PlanIndicator, Qualifier
from kernel.numbers import VIETNAMESE, parse_number
from localities.models import Level, Locality
from plans.models import (
    AgencyResponsibility,
    Appendix,
    AppendixRow,
    Duty,
    FigureKind,
    HouseholdFigure,
    Plan,
    PolicyTask,
    ReportingObligation,
)
from seeding.seeds import load_seeds

from . import sources

pytestmark = pytest.mark.django_db

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"


def published(text: str) -> Decimal:
    return parse_number(text, separators=VIETNAMESE)


def figure(plan_slug, label, year, kind):
    return HouseholdFigure.objects.get(plan__slug=plan_slug, locality__appendixrow__label=label, year=year, kind=kind)


def test_both_plans_load_with_their_slugs_and_document_details():
    tth = Plan.objects.get(slug=TTH)
    assert tth.reference == "Kế hoạch số 03/KH-UBND"
    assert tth.issue_date.isoformat() == "2024-01-03"
    assert tth.signer_name == "Nguyễn Thanh Bình"
    assert (tth.first_year, tth.last_year, tth.status) == (2024, 2024, "issued")
    hy = Plan.objects.get(slug=HY)
    assert hy.number == "" and hy.issue_date is None and hy.status == "draft"
    assert (hy.first_year, hy.last_year, hy.orientation_year) == (2023, 2025, 2030)
    assert hy.signer_name == "Nguyễn Duy Hưng"


def test_each_province_has_the_districts_its_appendix_lists():
    assert Locality.objects.get(slug="thua-thien-hue").children.filter(level=Level.DISTRICT).count() == 9
    assert Locality.objects.get(slug="hung-yen").children.filter(level=Level.DISTRICT).count() == 10
    assert Locality.objects.get(name="Huyện A Lưới").parent.slug == "thua-thien-hue"


def test_the_2025_administrative_changes_are_recorded_without_rewriting_history():
    tth = Locality.objects.get(slug="thua-thien-hue")
    assert tth.valid_to.isoformat() == "2024-12-31"
    assert [s.successor.name for s in tth.successions.all()] == ["Thành phố Huế"]
    merged = Locality.objects.get(slug="hung-yen-2025")
    assert sorted(p.predecessor.slug for p in merged.predecessions.all()) == ["hung-yen", "thai-binh"]
    assert all(d.valid_to.isoformat() == "2025-06-30" for d in Locality.objects.districts())


def test_yearly_figure_counts_match_the_appendices():
    # Thừa Thiên Huế: 9 districts + the province total, each with a 2023 result and a 2024 target.
    assert HouseholdFigure.objects.filter(plan__slug=TTH).count() == 10 * 2
    # Hưng Yên: 10 districts + the total, each with results for 2021-2022 and targets for 2023-2025.
    assert HouseholdFigure.objects.filter(plan__slug=HY, kind=FigureKind.RESULT).count() == 11 * 2
    assert HouseholdFigure.objects.filter(plan__slug=HY, kind=FigureKind.TARGET).count() == 11 * 3


def test_every_cell_of_the_thua_thien_hue_appendix_is_stored_as_published():
    rows = sources.thua_thien_hue_appendix()
    assert len(rows) == 10
    for number, label, poor_2023, rate_2023, reduction, remaining, rate_2024 in rows:
        assert AppendixRow.objects.get(appendix__plan__slug=TTH, label=label).number == number
        result = figure(TTH, label, 2023, FigureKind.RESULT)
        target = figure(TTH, label, 2024, FigureKind.TARGET)
        assert result.poor_households == published(poor_2023), label
        assert result.published_rate == published(rate_2023), label
        assert result.households is None  # the document gives no household totals
        assert target.planned_reduction == published(reduction), label
        assert target.poor_households == published(remaining), label
        assert target.published_rate == published(rate_2024), label


def test_every_cell_of_hung_yen_appendix_01_is_stored_as_published():
    rows = sources.hung_yen_appendix_01()
    assert len(rows) == 11
    for row in rows:
        label = row[1] or row[0]  # the total row prints "Tổng cộng" across the first two columns
        for index, year in enumerate(range(2021, 2026)):
            households, poor, rate = row[2 + 3 * index : 5 + 3 * index]
            kind = FigureKind.RESULT if year <= 2022 else FigureKind.TARGET
            stored = figure(HY, label, year, kind)
            assert stored.households == published(households), (label, year)
            assert stored.poor_households == published(poor), (label, year)
            assert stored.published_rate == published(rate), (label, year)


def test_spot_checks_from_the_issue():
    a_luoi_2023 = figure(TTH, "Huyện A Lưới", 2023, FigureKind.RESULT)
    a_luoi_2024 = figure(TTH, "Huyện A Lưới", 2024, FigureKind.TARGET)
    assert (a_luoi_2023.poor_households, a_luoi_2024.poor_households) == (3485, 2289)
    assert (a_luoi_2023.poverty_rate, a_luoi_2024.poverty_rate) == (Decimal("24.40"), Decimal("15.83"))
    phu_cu = figure(HY, "Phù Cừ", 2021, FigureKind.RESULT)
    assert (phu_cu.households, phu_cu.poor_households, phu_cu.published_rate) == (29822, 946, Decimal("3.17"))
    abroad = IndicatorValue.objects.get(
        plan_indicator__plan__slug=TTH, plan_indicator__indicator__code="workers-abroad"
    )
    assert (abroad.value, abroad.qualifier, abroad.value_as_written) == (Decimal(2050), Qualifier.ABOUT, "khoảng 2.050")


def test_published_totals_are_kept_even_where_they_disagree_with_their_rows():
    total_2024 = figure(HY, "Tổng cộng", 2024, FigureKind.TARGET)
    rows_sum = sum(
        HouseholdFigure.objects.filter(
            plan__slug=HY, year=2024, kind=FigureKind.TARGET, locality__level=Level.DISTRICT
        ).values_list("poor_households", flat=True)
    )
    assert total_2024.poor_households == 2954  # as printed
    assert rows_sum == 2963  # what the rows add up to: a disagreement for the quality report


def test_indicator_targets_match_the_documents():
    assert PlanIndicator.objects.filter(plan__slug=TTH).count() == 17
    assert IndicatorValue.objects.filter(plan_indicator__plan__slug=TTH, year=2024, kind="target").count() == 17
    housing = IndicatorValue.objects.get(
        plan_indicator__plan__slug=TTH, plan_indicator__indicator__code="housing-support-households"
    )
    assert (housing.value, housing.qualifier) == (Decimal(1000), Qualifier.AT_LEAST)
    assert IndicatorValue.objects.get(
        plan_indicator__plan__slug=TTH, plan_indicator__indicator__code="trained-workers"
    ).value == Decimal("72.5")
    # Hưng Yên's Phụ lục 02: 12 rows × (the 2022 result + targets 2023-2025), plus the poverty-rate targets.
    appendix_rows = PlanIndicator.objects.filter(plan__slug=HY, appendix__code="02")
    assert appendix_rows.count() == 12
    assert IndicatorValue.objects.filter(plan_indicator__in=appendix_rows).count() == 12 * 4
    assert IndicatorValue.objects.filter(plan_indicator__in=appendix_rows, kind="baseline", year=2022).count() == 12


def test_every_cell_of_hung_yen_appendix_02_is_stored_as_published():
    rows = sources.hung_yen_appendix_02()
    stored = list(PlanIndicator.objects.filter(plan__slug=HY, appendix__code="02").order_by("order"))
    assert len(rows) == len(stored) == 12
    for row, plan_indicator in zip(rows, stored, strict=True):
        assert plan_indicator.indicator.unit == row[2]
        values = {v.year: v.value for v in plan_indicator.values.all()}
        assert [values[year] for year in (2022, 2023, 2024, 2025)] == [published(cell) for cell in row[3:7]]
        assert plan_indicator.responsible_as_written == row[7]


def test_hung_yen_qualifiers_from_the_text_are_kept():
    underweight = IndicatorValue.objects.get(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="underweight-children", year=2025
    )
    assert (underweight.value, underweight.qualifier) == (Decimal(9), Qualifier.BELOW)
    poverty_2025 = IndicatorValue.objects.get(
        plan_indicator__plan__slug=HY, plan_indicator__indicator__code="poverty-rate", year=2025
    )
    assert (poverty_2025.value, poverty_2025.qualifier) == (Decimal("0.5"), Qualifier.ABOUT)


def test_duties_and_responsibilities_match_the_organisation_sections():
    assert AgencyResponsibility.objects.filter(plan__slug=TTH).count() == 17
    assert Duty.objects.filter(responsibility__plan__slug=TTH).count() == 44
    assert AgencyResponsibility.objects.filter(plan__slug=HY).count() == 12
    assert Duty.objects.filter(responsibility__plan__slug=HY).count() == 22
    # Hưng Yên's section V skips number 10; the gap is the document's and is kept.
    assert "10" not in AgencyResponsibility.objects.filter(plan__slug=HY).values_list("number", flat=True)


def test_the_labour_department_leads_the_programme_projects_the_plan_assigns():
    duty = Duty.objects.get(
        responsibility__plan__slug=TTH,
        responsibility__agency__name="Sở Lao động - Thương binh và Xã hội",
        marker="b",
    )
    assert sorted(duty.led_projects.values_list("code", flat=True)) == ["DA1", "DA2", "DA4", "DA6.2", "DA7"]


def test_policy_tasks_match_hung_yen_appendix_03():
    rows = sources.hung_yen_appendix_03()
    tasks = list(PolicyTask.objects.filter(plan__slug=HY).order_by("order"))
    assert len(rows) == len(tasks) == 7
    for row, task in zip(rows, tasks, strict=True):
        assert (task.number, task.text, task.lead_as_written, task.coordinating_as_written) == tuple(row[:4])
        assert task.deadline_as_written == row[4]
    assert tasks[-1].deadline_year == 2024
    assert PolicyTask.objects.filter(plan__slug=TTH).count() == 0


def test_reporting_deadlines_of_thua_thien_hue():
    dates = ReportingObligation.objects.filter(plan__slug=TTH).values_list("due_date", flat=True)
    assert {d.isoformat() for d in dates} == {"2024-11-30", "2024-12-05"}


def test_appendices_carry_their_published_titles():
    titles = {a.code: a.title_lines for a in Appendix.objects.filter(plan__slug=HY)}
    assert titles["01"] == ["Phụ lục 01", "DỰ KIẾN", "TỶ LỆ HỘ NGHÈO TỈNH HUNG YÊN GIAI ĐOẠN 2023-2025"]
    assert set(titles) == {"01", "02", "03"}


def test_loading_the_seeds_again_changes_nothing():
    before = (
        HouseholdFigure.objects.count(),
        IndicatorValue.objects.count(),
        Duty.objects.count(),
        Locality.objects.count(),
    )
    report = load_seeds()
    assert sorted(report.skipped_plans) == [HY, TTH]
    assert report.loaded_plans == [] and not report.created
    after = (
        HouseholdFigure.objects.count(),
        IndicatorValue.objects.count(),
        Duty.objects.count(),
        Locality.objects.count(),
    )
    assert before == after

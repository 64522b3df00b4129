"""Poverty standards as data: each figure carries the standard it was measured under, pages and workbooks name it,
and a change of standard breaks comparisons visibly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import FigureKind, HouseholdFigure, PovertyStandard
from spreadsheets.export import plan_workbook

from .factories import make_household_plan

pytestmark = pytest.mark.django_db


def test_the_standards_in_force_are_recorded_with_their_legal_basis_and_years():
    periods = {s.legal_basis: (s.first_year, s.last_year) for s in PovertyStandard.objects.all()}
    assert periods == {
        "Quyết định 59/2015/QĐ-TTg": (2016, 2020),
        "Nghị định 07/2021/NĐ-CP": (2021, 2026),
        "Nghị định 351/2025/NĐ-CP": (2027, 2030),
    }


def test_a_new_figure_of_2027_gets_the_standard_in_force_for_its_year():
    plan = make_household_plan(years=(2026, 2027), slug="thu-2026-2027")
    figure = HouseholdFigure(
        plan=plan,
        locality=plan.province,
        year=2027,
        kind=FigureKind.TARGET,
        households=1000,
        poor_households=10,
    )
    figure.full_clean(validate_constraints=False)
    assert figure.standard_id == "nd351_2025"


def test_a_figure_under_a_standard_that_does_not_measure_its_year_is_refused_in_vietnamese(vietnamese):
    plan = make_household_plan(years=(2026, 2027), slug="thu-2026-2027")
    figure = HouseholdFigure.objects.get(plan=plan, locality=plan.province, year=2026)
    figure.standard_id = "nd351_2025"
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "Nghị định 351/2025/NĐ-CP" in error.value.message_dict["standard"][0]
    assert "2026" in error.value.message_dict["standard"][0]


def test_the_table_page_and_the_workbook_header_name_the_standard_of_the_figures(client, vietnamese):
    plan = make_household_plan()
    page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    assert "Chuẩn nghèo: 2021–2026 (Nghị định 07/2021/NĐ-CP)" in page
    sheet = plan_workbook(plan).worksheets[0]
    texts = [cell.value for row in sheet.iter_rows(max_row=6) for cell in row if isinstance(cell.value, str)]
    assert "Chuẩn nghèo: 2021–2026 (Nghị định 07/2021/NĐ-CP)" in texts


def test_a_table_spanning_two_standards_says_its_figures_are_not_comparable(client, vietnamese):
    plan = make_household_plan(years=(2026, 2027), slug="thu-hai-chuan")
    HouseholdFigure.objects.filter(plan=plan, year=2027).update(standard="nd351_2025")
    page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    assert "không so sánh được" in page
    assert "Nghị định 351/2025/NĐ-CP" in page


def test_results_do_not_judge_a_result_against_a_target_of_another_standard(client, english):
    plan = make_household_plan(years=(2026, 2027), slug="thu-ket-qua-hai-chuan")
    target = HouseholdFigure.objects.filter(plan=plan, year=2027, kind=FigureKind.TARGET).exclude(
        locality=plan.province
    )[0]
    HouseholdFigure.objects.create(
        plan=plan,
        locality=target.locality,
        year=2027,
        kind=FigureKind.RESULT,
        households=target.households,
        poor_households=1,
        standard_id="nd351_2025",
        source_date=datetime.date(2028, 1, 15),
    )
    page = client.get(reverse("reports:results", args=[plan.slug])).content.decode()
    assert "not comparable: target and result measured under different poverty standards" in page


def test_the_locality_page_names_the_standard_of_each_figure(client, vietnamese):
    plan = make_household_plan(years=(2026, 2027), slug="thu-thay-doi")
    locality = plan.province
    HouseholdFigure.objects.filter(plan=plan, locality=locality, year=2027).update(standard="nd351_2025")
    page = client.get(reverse("reports:locality", args=[locality.slug])).content.decode()
    assert "2027–2030 (Nghị định 351/2025/NĐ-CP)" in page
    assert "2021–2026 (Nghị định 07/2021/NĐ-CP)" in page

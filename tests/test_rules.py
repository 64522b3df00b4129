"""Each rule is enforced twice: by full_clean() with a Vietnamese message, and by the database.

Every test builds its own small plan (tests/factories.py): three districts, 2021–2023."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import IndicatorValue, Unit
from localities.models import Locality
from plans.models import HouseholdFigure

from .factories import IndicatorFactory, PlanIndicatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


@pytest.fixture
def plan(small_plan):
    return small_plan


@pytest.fixture
def district(small_plan):
    return small_plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality


def new_figure(plan, district, **values):
    """A figure of a year the small plan has no figure for (2023 is its last year: a target may fall in it)."""
    defaults = {"year": 2023, "kind": "result", "households": 1000, "poor_households": 10}
    return HouseholdFigure(plan=plan, locality=district, **{**defaults, **values})


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


def assert_database_refuses(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_a_figure_within_the_rules_is_accepted(plan, district):
    figure = new_figure(plan, district)
    figure.full_clean()
    figure.save()
    assert figure.pk is not None


@pytest.mark.parametrize("field", ["households", "poor_households", "near_poor_households", "planned_reduction"])
def test_negative_counts_are_refused(plan, district, field):
    figure = new_figure(plan, district, **{field: -1})
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "không được âm" in messages_of(error.value, field)
    assert_database_refuses(figure)


def test_more_poor_households_than_households_is_refused(plan, district):
    figure = new_figure(plan, district, households=100, poor_households=101)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "Số hộ nghèo (101) không thể lớn hơn tổng số hộ (100)" in messages_of(error.value, "poor_households")
    assert_database_refuses(figure)


def test_the_message_formats_counts_the_vietnamese_way(plan, district):
    figure = new_figure(plan, district, households=7540, poor_households=12000)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "Số hộ nghèo (12.000) không thể lớn hơn tổng số hộ (7.540)" in messages_of(error.value, "poor_households")


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("100.01")])
def test_rates_outside_0_to_100_are_refused(plan, district, rate):
    figure = new_figure(plan, district, published_rate=rate)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "từ 0 đến 100" in messages_of(error.value, "published_rate")
    assert_database_refuses(figure)


def test_a_second_figure_for_the_same_locality_year_kind_and_plan_is_refused(plan, district):
    duplicate = new_figure(plan, district, year=2021, kind="result")  # the small plan has its 2021 result
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Kế hoạch này đã có số liệu loại này cho địa bàn và năm này." in error.value.messages
    assert_database_refuses(duplicate)


def test_a_target_outside_the_plan_period_is_refused(plan, district):
    figure = new_figure(plan, district, year=2024, kind="target")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "2021–2023" in messages_of(error.value, "year")


def test_a_target_may_reach_the_orientation_year(plan, district):
    plan.orientation_year = 2030
    plan.save()
    new_figure(plan, district, year=2030, kind="target").full_clean()


def test_a_plan_ending_before_it_starts_is_refused(plan):
    plan.first_year, plan.last_year, plan.orientation_year = 2025, 2023, None
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "Năm cuối" in messages_of(error.value, "last_year")
    assert_database_refuses(plan)


def test_a_negative_indicator_value_is_refused(plan):
    target = PlanIndicatorFactory(plan=plan, indicator=IndicatorFactory(unit=Unit.PERCENT))
    value = IndicatorValue(plan_indicator=target, year=2023, kind="result", value=Decimal(-5))
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "không được âm" in messages_of(error.value, "value")
    assert_database_refuses(value)


def test_a_percentage_above_100_is_refused(plan):
    target = PlanIndicatorFactory(plan=plan, indicator=IndicatorFactory(unit=Unit.PERCENT))
    value = IndicatorValue(plan_indicator=target, year=2023, kind="result", value=Decimal(101))
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "100" in messages_of(error.value, "value")


def test_a_district_without_a_parent_province_is_refused():
    locality = Locality(name="Huyện Thử", slug="huyen-thu", kind="rural_district")
    with pytest.raises(ValidationError) as error:
        locality.full_clean()
    assert "đơn vị cấp trên" in messages_of(error.value, "parent")
    locality.level = 2
    assert_database_refuses(locality)

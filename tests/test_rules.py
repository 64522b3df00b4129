"""Each rule is enforced twice: by full_clean() with a Vietnamese message, and by the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from indicators.models import IndicatorValue, PlanIndicator
from localities.models import Locality
from plans.models import HouseholdFigure, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def plan():
    return Plan.objects.get(slug="hung-yen-2023-2025")


@pytest.fixture
def district():
    return Locality.objects.get(slug="hung-yen-phu-cu")


def new_figure(plan, district, **values):
    defaults = {"year": 2025, "kind": "result", "households": 1000, "poor_households": 10}
    return HouseholdFigure(plan=plan, locality=district, **{**defaults, **values})


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


def assert_database_refuses(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("households", "không được âm"),
        ("poor_households", "không được âm"),
        ("near_poor_households", "không được âm"),
        ("planned_reduction", "không được âm"),
    ],
)
def test_negative_counts_are_refused(plan, district, field, words):
    figure = new_figure(plan, district, **{field: -1})
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert words in messages_of(error.value, field)
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
    assert "12.000" in messages_of(error.value, "poor_households")
    assert "7.540" in messages_of(error.value, "poor_households")


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("100.01")])
def test_rates_outside_0_to_100_are_refused(plan, district, rate):
    figure = new_figure(plan, district, published_rate=rate)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "từ 0 đến 100" in messages_of(error.value, "published_rate")
    assert_database_refuses(figure)


def test_a_second_figure_for_the_same_locality_year_kind_and_plan_is_refused(plan, district):
    duplicate = new_figure(plan, district, year=2021, kind="result")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "đã có" in " ".join(error.value.messages)
    assert_database_refuses(duplicate)


def test_a_target_outside_the_plan_period_is_refused(plan, district):
    figure = new_figure(plan, district, year=2022, kind="target")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "2023–2030" in messages_of(error.value, "year")


def test_a_plan_ending_before_it_starts_is_refused(plan):
    plan.first_year, plan.last_year, plan.orientation_year = 2025, 2023, None
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "Năm cuối" in messages_of(error.value, "last_year")
    assert_database_refuses(plan)


def test_a_negative_indicator_value_is_refused():
    target = PlanIndicator.objects.filter(plan__slug="hung-yen-2023-2025").first()
    value = IndicatorValue(plan_indicator=target, year=2025, kind="result", value=Decimal(-5))
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "không được âm" in messages_of(error.value, "value")
    assert_database_refuses(value)


def test_a_percentage_above_100_is_refused():
    target = PlanIndicator.objects.get(plan__slug="hung-yen-2023-2025", indicator__code="clean-water")
    value = IndicatorValue(plan_indicator=target, year=2025, kind="result", value=Decimal(101))
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

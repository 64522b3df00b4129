"""Rates computed from counts agree with the published rates wherever both exist."""

from decimal import Decimal

import pytest

from kernel.numbers import compute_rate
from plans.models import HouseholdFigure

pytestmark = pytest.mark.django_db


def test_rates_are_rounded_half_up_to_two_decimals():
    assert compute_rate(1, 800) == Decimal("0.13")  # 0.125 rounds up, not to even
    assert compute_rate(490, 40820) == Decimal("1.20")
    assert compute_rate(5, 0) is None
    assert compute_rate(5, None) is None


def test_computed_rates_equal_the_published_rates_wherever_both_exist():
    both = HouseholdFigure.objects.filter(households__isnull=False, published_rate__isnull=False)
    assert both.count() == 55  # every cell of Hưng Yên's Phụ lục 01
    mismatches = [(f, f.computed_rate, f.published_rate) for f in both if f.computed_rate != f.published_rate]
    assert mismatches == []


def test_the_rate_falls_back_to_the_published_one_where_households_are_unknown():
    hue = HouseholdFigure.objects.get(plan__slug="thua-thien-hue-2024", locality__name="Thành phố Huế", year=2024)
    assert hue.households is None and hue.computed_rate is None
    assert hue.poverty_rate == Decimal("0.56")


def test_the_rate_is_computed_where_households_are_known():
    kim_dong = HouseholdFigure.objects.get(plan__slug="hung-yen-2023-2025", locality__name="Huyện Kim Động", year=2023)
    assert kim_dong.published_rate == Decimal("1.2")  # printed "1,2"
    assert kim_dong.poverty_rate == Decimal("1.20")

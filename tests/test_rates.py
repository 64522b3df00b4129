"""Rates computed from counts, and the rate a figure shows: computed where its counts are known, published otherwise.

The rule tests build their figures with the factories; one seed-fidelity test checks the seed plans' published
rates against their counts."""

from decimal import Decimal

import pytest

from kernel.numbers import compute_rate
from plans.models import HouseholdFigure

from .factories import HouseholdFigureFactory

pytestmark = pytest.mark.django_db


def test_rates_are_rounded_half_up_to_two_decimals():
    assert compute_rate(1, 800) == Decimal("0.13")  # 0.125 rounds up, not to even
    assert compute_rate(490, 40820) == Decimal("1.20")
    assert compute_rate(5, 0) is None
    assert compute_rate(5, None) is None


def test_computed_rates_equal_the_published_rates_wherever_both_exist():
    """Seed fidelity: every rate the seed plans publish beside its counts is the rate of those counts."""
    both = HouseholdFigure.objects.filter(households__isnull=False, published_rate__isnull=False)
    assert both.count() == 55  # every cell of Hưng Yên's Phụ lục 01
    mismatches = [(f, f.computed_rate, f.published_rate) for f in both if f.computed_rate != f.published_rate]
    assert mismatches == []


def test_the_rate_falls_back_to_the_published_one_where_households_are_unknown():
    figure = HouseholdFigureFactory(households=None, poor_households=2289, published_rate=Decimal("0.56"))
    assert figure.computed_rate is None
    assert figure.poverty_rate == Decimal("0.56")


def test_the_rate_is_computed_where_households_are_known():
    figure = HouseholdFigureFactory(households=40820, poor_households=490, published_rate=Decimal("1.2"))  # "1,2"
    assert figure.computed_rate == Decimal("1.20")
    assert figure.poverty_rate == Decimal("1.20")


def test_a_computed_rate_is_shown_even_where_none_was_published():
    figure = HouseholdFigureFactory(households=800, poor_households=1, published_rate=None)
    assert figure.poverty_rate == Decimal("0.13")

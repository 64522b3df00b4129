"""The charts of a plan's table break their lines where the poverty standard changes between two years, and say
so on the chart and in its text alternative: a 2026 rate and a 2027 rate of two standards are not one trend."""

import re

import pytest
from django.urls import reverse

from plans.models import HouseholdFigure

from .factories import make_household_plan

pytestmark = pytest.mark.django_db


def charts_of(page: str) -> dict[str, str]:
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r'<svg[^>]*aria-labelledby="([\w-]+)-title.*?</svg>', page, re.S)
    }


def test_the_table_s_line_charts_break_where_the_standard_changes_and_label_the_break(client, vietnamese):
    plan = make_household_plan(years=(2025, 2026, 2027), slug="thu-bieu-do-hai-chuan")
    HouseholdFigure.objects.filter(plan=plan, year=2027).update(standard="nd351_2025")
    page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    charts = charts_of(page)
    for chart_id in ("trajectories-01", "province-01"):
        chart = charts[chart_id]
        assert 'class="standard-break"' in chart
        assert "chuẩn nghèo 2027–2030 (Nghị định 351/2025/NĐ-CP) từ năm 2027" in chart
        # every line stops at 2026: each polyline joins two points (2025–2026), none reaches into 2027
        polylines = re.findall(r'<polyline points="([^"]+)"', chart)
        assert polylines and all(len(points.split()) == 2 for points in polylines)


def test_a_table_of_one_standard_draws_unbroken_lines(client, vietnamese):
    plan = make_household_plan(years=(2024, 2025, 2026), slug="thu-bieu-do-mot-chuan")
    page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    chart = charts_of(page)["trajectories-01"]
    assert "standard-break" not in chart
    assert all(len(points.split()) == 3 for points in re.findall(r'<polyline points="([^"]+)"', chart))

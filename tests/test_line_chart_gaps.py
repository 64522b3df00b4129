"""A line chart never draws a line through a year it has no figure for: the reader would take the line for a figure.

The series are made up for the test; what is asserted is the SVG a page embeds: one <polyline> per drawn segment,
and the <desc> (the chart's text alternative) saying which year is missing.
"""

import re
from decimal import Decimal

import pytest

from reports.charts import line_chart

YEARS = [2021, 2022, 2023, 2024]


def _segments(svg: str) -> list[list[str]]:
    return [points.split() for points in re.findall(r'<polyline points="([^"]+)"', svg)]


def segments(chart) -> list[list[str]]:
    """The points of each drawn segment of the chart's lines, in order: the same in the wide picture and the phone's."""
    wide, narrow = _segments(chart.wide), _segments(chart.narrow)
    assert [len(points) for points in wide] == [len(points) for points in narrow]
    return wide


def description(chart) -> str:
    """The text alternative, the same for both pictures."""
    wide, narrow = (re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1) for svg in (chart.wide, chart.narrow))
    assert wide == narrow
    return wide


@pytest.fixture(autouse=True)
def _vietnamese(vietnamese):
    """The default language of the site."""


def test_a_series_missing_a_year_is_drawn_as_two_segments_not_one_line_through_the_gap():
    svg = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=YEARS,
        series=[("Phường Thử", {2021: Decimal("3.10"), 2022: Decimal("2.80"), 2024: Decimal("2.10")})],
    )
    # Two pieces: the line 2021–2022, and 2024 on its own (a point: a line needs two), nothing through 2023.
    assert [len(points) for points in segments(svg)] == [2]
    assert svg.wide.count("<circle") == 3 == svg.narrow.count("<circle")
    assert "2023 không có số liệu" in description(svg)


def test_a_missing_year_between_two_runs_of_figures_gives_two_segments():
    svg = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=[2020, *YEARS],
        series=[
            (
                "Phường Thử",
                {2020: Decimal("3.5"), 2021: Decimal("3.10"), 2022: Decimal("2.80"), 2024: Decimal("2.10")},
            )
        ],
    )
    assert len(segments(svg)) == 1  # 2020–2022; 2024 alone
    svg = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=[*YEARS, 2025],
        series=[
            (
                "Phường Thử",
                {2021: Decimal("3.10"), 2022: Decimal("2.80"), 2024: Decimal("2.10"), 2025: Decimal("1.90")},
            )
        ],
    )
    drawn = segments(svg)
    assert len(drawn) == 2 and all(len(points) == 2 for points in drawn)  # 2021–2022 and 2024–2025
    x_2022, x_2024 = float(drawn[0][1].split(",")[0]), float(drawn[1][0].split(",")[0])
    assert x_2024 > x_2022  # nothing joins them
    assert "2023 không có số liệu" in description(svg)


def test_a_year_given_as_none_is_missing_too_and_a_full_series_is_one_line():
    gap = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=YEARS,
        series=[("Kết quả", {2021: Decimal("3.1"), 2022: Decimal("2.8"), 2023: None, 2024: Decimal("2.1")})],
    )
    assert len(segments(gap)) == 1 and len(segments(gap)[0]) == 2
    full = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=YEARS,
        series=[("Kết quả", {2021: Decimal("3.1"), 2022: Decimal("2.8"), 2023: Decimal("2.5"), 2024: Decimal("2.1")})],
    )
    assert [len(points) for points in segments(full)] == [4]
    assert "không có số liệu" not in description(full)


def test_a_change_of_poverty_standard_still_breaks_the_line():
    svg = line_chart(
        title="Tỷ lệ hộ nghèo",
        years=YEARS,
        series=[("Kết quả", {2021: Decimal("3.1"), 2022: Decimal("2.8"), 2023: Decimal("4.5"), 2024: Decimal("4.1")})],
        breaks={2023: "chuẩn nghèo mới từ 2023"},
    )
    assert [len(points) for points in segments(svg)] == [2, 2]
    assert 'class="standard-break"' in svg.wide and 'class="standard-break"' in svg.narrow

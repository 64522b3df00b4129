"""Charts drawn on the server as SVG: no script, no other host, legible on paper and on a phone.

Every chart is drawn twice — for a wide screen and paper, and for a phone (a narrow picture: labels above the bars,
fewer ticks, a legend that wraps) — and the site's stylesheet shows the one that fits; its title is HTML text above
both, so that it wraps instead of being cut. Each picture carries a <title> and a <desc> that states its figures in
words (the text alternative), and prints its numbers the way the interface language writes them (2,27 in
Vietnamese).
"""

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kernel.numbers import Formatter

PALETTE = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#3d85c6", "#c27ba0", "#666666"]
FONT = 'font-family="Arial, Helvetica, sans-serif"'
# The phone picture is drawn at the width of a phone's content column (a 390 px screen less the page's margins), so
# that its 12–13 px labels are shown at about their own size.
NARROW = 360
CHAR_WIDTH = 7  # the mean width of a 12 px Arial character, to place legends and wrap labels


@dataclass(frozen=True)
class Chart:
    """A chart as a page shows it: the title as a caption (the first child of the page's <figure>), the wide picture
    and the phone picture; `site.css` shows one by the screen's width, print shows the wide one."""

    title: str
    wide: SafeString
    narrow: SafeString

    def __html__(self) -> SafeString:
        return format_html('<figcaption class="chart-title">{}</figcaption>{}{}', self.title, self.wide, self.narrow)

    def __str__(self) -> str:
        return self.__html__()


def _svg(width: int, height: int, body: list[str], title: str, desc: str, *, chart_id: str, kind: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_max(value: Decimal) -> Decimal:
    """A round upper bound for an axis: 24,4 → 25; 3,79 → 4; 0,65 → 1."""
    if value <= 0:
        return Decimal(1)
    for step in (
        Decimal("0.5"),
        Decimal(1),
        Decimal(2),
        Decimal(5),
        Decimal(10),
        Decimal(20),
        Decimal(25),
        Decimal(50),
    ):
        if value <= step * 5:
            return (value / step).to_integral_value(rounding="ROUND_CEILING") * step
    return Decimal(100)


def _legend(series_labels: list[str], x: int, y: int, width: int) -> tuple[list[str], int]:
    """The series' colour keys from (x, y), wrapped onto as many rows (18 px apart) as `width` needs; returns the
    parts and the number of rows."""
    parts, offset, rows = [], x, 1
    for index, label in enumerate(series_labels):
        entry = 30 + CHAR_WIDTH * len(label)
        if offset > x and offset + entry - 14 > width:
            offset, y, rows = x, y + 18, rows + 1
        colour = _colour(index)
        parts.append(f'<rect x="{offset}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{offset + 16}" y="{y}" font-size="12" {FONT}>{escape(label)}</text>')
        offset += entry
    return parts, rows


def _lines_of_text(text: str, x: float, y: float, width: int, attributes: str) -> tuple[str, int]:
    """A label wrapped to `width` px, one <tspan> a line 15 px apart; returns the <text> and its number of lines."""
    lines = textwrap.wrap(text, max(8, width // CHAR_WIDTH)) or [""]
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if index == 0 else 15}">{escape(line)}</tspan>' for index, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" {attributes} {FONT}>{spans}</text>', len(lines)


def _ticks(axis_max: Decimal, count: int):
    """(fraction of the axis, label) of `count` + 1 evenly spaced ticks from 0 to axis_max."""
    places = 1 if axis_max < 5 else 0
    format_decimal = Formatter().decimal
    return [(tick / count, format_decimal(axis_max * tick / count, places)) for tick in range(count + 1)]


def bar_chart(
    *, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "%", chart_id: str = "bars"
) -> Chart:
    """Horizontal bars: one group per category (a district), one bar per series (baseline, target)."""
    format_rate = Formatter().rate
    values = [v for _label, vs in series for v in vs if v is not None]
    axis_max = _nice_max(max(values, default=Decimal(1)))
    labels = [label for label, _values in series]
    # Each drawn bar: (category index, series index, length as a fraction of the axis, its value's text).
    bars = [
        (index, s_index, float(Decimal(series_values[index]) / axis_max), f"{format_rate(series_values[index])}{unit}")
        for index in range(len(categories))
        for s_index, (_label, series_values) in enumerate(series)
        if series_values[index] is not None
    ]
    desc = "; ".join(
        f"{category}: "
        + ", ".join(f"{label} {format_rate(values_[i])}{unit}" for label, values_ in series if values_[i] is not None)
        for i, category in enumerate(categories)
    )
    return Chart(
        title,
        _svg(*_wide_bars(categories, labels, bars, axis_max), title, desc, chart_id=chart_id, kind="wide"),
        _svg(
            *_narrow_bars(categories, labels, bars, axis_max), title, desc, chart_id=f"{chart_id}-narrow", kind="narrow"
        ),
    )


def _wide_bars(categories, labels, bars, axis_max) -> tuple[int, int, list[str]]:
    """Names on the left of their bars, an axis of six ticks below."""
    # Wide enough for the longest label (“Huyện Bình Cẩm, Thừa Thiên Huế” in a national table), within reason.
    longest = max((len(category) for category in categories), default=0)
    label_width, plot_width, bar, gap = max(170, min(320, round(6.6 * longest) + 12)), 460, 12, 10
    width = label_width + plot_width + 70
    group_height = bar * len(labels) + gap
    top = 30
    height = top + group_height * len(categories) + 40
    body, _rows = _legend(labels, label_width, 20, width)
    for index, category in enumerate(categories):
        y0 = top + index * group_height
        body.append(
            f'<text x="{label_width - 6}" y="{y0 + group_height / 2}" text-anchor="end" font-size="12" {FONT}>'
            f"{escape(category)}</text>"
        )
    for index, s_index, fraction, text in bars:
        length = fraction * plot_width
        y = top + index * group_height + s_index * bar
        body.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" fill="{_colour(s_index)}"/>'
        )
        body.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 3}" font-size="11" {FONT}>{escape(text)}</text>'
        )
    axis_y = top + group_height * len(categories) + 5
    body.append(f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{axis_y}" stroke="#333"/>')
    body.append(f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot_width}" y2="{axis_y}" stroke="#333"/>')
    for fraction, text in _ticks(axis_max, 5):
        x = label_width + plot_width * fraction
        body.append(f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 4}" stroke="#333"/>')
        body.append(f'<text x="{x}" y="{axis_y + 17}" text-anchor="middle" font-size="11" {FONT}>{escape(text)}</text>')
    return width, height, body


def _narrow_bars(categories, labels, bars, axis_max) -> tuple[int, int, list[str]]:
    """A phone's picture: each name on its own line above its bars, which take the whole width; the values are
    written at the bars' ends, so the axis keeps three ticks."""
    width, bar, value_room = NARROW, 14, 58
    plot_width = width - 2 - value_room
    body, rows = _legend(labels, 2, 14, width)
    y = 14 + 18 * (rows - 1) + 14
    drawn = {}  # category index → the y its bars start at
    for index, category in enumerate(categories):
        text, lines = _lines_of_text(category, 2, y + 13, width - 4, 'font-size="13" font-weight="bold"')
        body.append(text)
        drawn[index] = y + 15 * lines + 3
        y = drawn[index] + bar * len(labels) + 10
    for index, s_index, fraction, text in bars:
        length = fraction * plot_width
        top = drawn[index] + s_index * bar
        body.append(f'<rect x="2" y="{top}" width="{length:.1f}" height="{bar - 2}" fill="{_colour(s_index)}"/>')
        body.append(f'<text x="{2 + length + 4:.1f}" y="{top + bar - 3}" font-size="12" {FONT}>{escape(text)}</text>')
    axis_y = y
    body.append(f'<line x1="2" y1="{axis_y}" x2="{2 + plot_width}" y2="{axis_y}" stroke="#333"/>')
    for fraction, text in _ticks(axis_max, 2):
        x = 2 + plot_width * fraction
        anchor = "start" if fraction == 0 else "middle"
        body.append(f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 4}" stroke="#333"/>')
        body.append(
            f'<text x="{x}" y="{axis_y + 17}" text-anchor="{anchor}" font-size="12" {FONT}>{escape(text)}</text>'
        )
    return width, axis_y + 24, body


@dataclass(frozen=True)
class _LineLayout:
    width: int
    left: int  # room for the rate axis' labels
    right: int  # room right of the last year
    legend_x: int
    plot_height: int
    year_step: int  # every how many years a year is written under the axis
    break_label_width: int  # a break's label is wrapped to this width


def line_chart(
    *,
    title: str,
    years: list[int],
    series: list[tuple[str, dict[int, object]]],
    unit: str = "%",
    chart_id: str = "lines",
    breaks: dict[int, str] | None = None,
) -> Chart:
    """Lines over years: one per series (a district, or results and targets of one locality).

    `years` is the axis. A year of the axis for which a series has no value (absent or None) is missing: the line
    stops before it and starts again after it — never drawn through it as if the figure were known — and the text
    alternative says which years are missing. `breaks` maps a year to the label of what changes there (a new
    poverty standard): no line joins the year before it to it, and a dashed rule between the two says so, in the
    picture and in its text alternative."""
    breaks = {year: label for year, label in (breaks or {}).items() if year in years and years.index(year) > 0}
    format_rate = Formatter().rate
    desc = "; ".join(f"{label}: {_described(years, points, unit, format_rate)}" for label, points in series)
    if breaks:
        desc = "; ".join([desc, *(f"{year}: {label}" for year, label in sorted(breaks.items()))])
    desc = desc or _("No figures")
    wide = _LineLayout(width=620, left=60, right=40, legend_x=60, plot_height=260, year_step=1, break_label_width=260)
    narrow = _LineLayout(
        width=NARROW,
        left=44,
        right=16,
        legend_x=2,
        plot_height=210,
        year_step=1 if len(years) <= 6 else 2,
        break_label_width=150,
    )
    return Chart(
        title,
        _svg(*_lines(wide, years, series, unit, breaks), title, desc, chart_id=chart_id, kind="wide"),
        _svg(*_lines(narrow, years, series, unit, breaks), title, desc, chart_id=f"{chart_id}-narrow", kind="narrow"),
    )


def _lines(layout: _LineLayout, years, series, unit, breaks) -> tuple[int, int, list[str]]:
    format_rate = Formatter().rate
    left, plot_height, width = layout.left, layout.plot_height, layout.width
    plot_width = width - left - layout.right
    values = [v for _label, points in series for v in points.values() if v is not None]
    axis_max = _nice_max(max(values, default=Decimal(1)))
    span = max(len(years) - 1, 1)
    body, legend_rows = _legend([label for label, _points in series], layout.legend_x, 20, width)
    top = 50 + (legend_rows - 1) * 18

    def x_of(year: int) -> float:
        # 12 px inside the axes: the first and last points' values clear the rate labels and the picture's edge.
        return left + 12 + (plot_width - 24) * (years.index(year) / span if len(years) > 1 else 0.5)

    def y_of(value) -> float:
        return top + plot_height - float(Decimal(value) / axis_max) * plot_height

    for fraction, text in _ticks(axis_max, 5):
        y = top + plot_height - plot_height * fraction
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_width}" y2="{y}" stroke="#ddd"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11" {FONT}>'
            f"{escape(text)}{escape(unit)}</text>"
        )
    for position, year in enumerate(years):
        if position % layout.year_step == 0 or position == len(years) - 1:
            body.append(
                f'<text x="{x_of(year)}" y="{top + plot_height + 18}" text-anchor="middle" font-size="12" '
                f"{FONT}>{year}</text>"
            )
    for year, label in sorted(breaks.items()):
        x = (x_of(years[years.index(year) - 1]) + x_of(year)) / 2
        body.append(
            f'<line class="standard-break" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_height}" '
            f'stroke="#a61c00" stroke-dasharray="5,4"/>'
        )
        # its label in a few short lines, on whichever side of the rule has more room
        right, left_side = width - x - 6, x - left - 6
        anchor, at, room = ("start", x + 4, right) if right >= left_side else ("end", x - 4, left_side)
        attributes = f'font-size="11" fill="#a61c00" text-anchor="{anchor}"'
        body.append(_lines_of_text(label, at, top + 12, min(layout.break_label_width, int(room)), attributes)[0])
    for index, (_label, points) in enumerate(series):
        colour = _colour(index)
        segments: list[list] = [[]]  # the line is drawn in pieces: none crosses a break or a missing year
        for year in years:
            value = points.get(year)
            if (value is None or year in breaks) and segments[-1]:
                segments.append([])
            if value is not None:
                segments[-1].append((x_of(year), y_of(value), value))
        coordinates = [point for part in segments for point in part]
        for part in segments:
            if len(part) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in part)
                body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, _value in coordinates:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if len(series) <= 3:  # few lines: label every point
            for x, y, value in coordinates:
                body.append(
                    f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="11" {FONT}>'
                    f"{escape(format_rate(value))}</text>"
                )
    body.append(
        f'<line x1="{left}" y1="{top + plot_height}" x2="{left + plot_width}" y2="{top + plot_height}" stroke="#333"/>'
    )
    return width, top + plot_height + 30, body


def _described(years: list[int], points: dict[int, object], unit: str, format_rate) -> str:
    """A series in words: its figures by year, and the years of the axis between its first and last figure that it
    lacks, said to be missing (the line is broken there)."""
    known = [year for year in years if points.get(year) is not None]
    if not known:
        return _("No figures")
    return ", ".join(
        f"{year} {format_rate(points[year])}{unit}"
        if points.get(year) is not None
        else _("%(year)s no figure (missing)") % {"year": year}
        for year in years
        if known[0] <= year <= known[-1]
    )

"""Charts drawn on the server as SVG: no script, no other host, legible on paper.

Every chart carries a <title> and a <desc> that states its figures in words (the text alternative),
and prints its numbers the way the interface language writes them (2,27 in Vietnamese).
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kernel.numbers import Formatter

PALETTE = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#3d85c6", "#c27ba0", "#666666"]
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def _svg(width: int, height: int, title: str, desc: str, body: list[str], chart_id: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold" {FONT}>'
        f"{escape(title)}</text>" + "".join(body) + "</svg>"
    )


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


def _legend(series_labels: list[str], x: int, y: int, first_index: int = 0) -> list[str]:
    parts, offset = [], x
    for index, label in enumerate(series_labels, start=first_index):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{offset}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{offset + 16}" y="{y}" font-size="12" {FONT}>{escape(label)}</text>')
        offset += 30 + 7 * len(label)
    return parts


def bar_chart(
    *, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "%", chart_id: str = "bars"
) -> SafeString:
    """Horizontal bars: one group per category (a district), one bar per series (baseline, target)."""
    numbers = Formatter()
    format_decimal, format_rate = numbers.decimal, numbers.rate
    # Wide enough for the longest label (“Huyện Bình Cẩm, Thừa Thiên Huế” in a national table), within reason.
    longest = max((len(category) for category in categories), default=0)
    label_width, plot_width, bar, gap = max(170, min(320, round(6.6 * longest) + 12)), 460, 12, 10
    width = label_width + plot_width + 70
    group_height = bar * len(series) + gap
    top = 50
    height = top + group_height * len(categories) + 40
    values = [v for _label, vs in series for v in vs if v is not None]
    axis_max = _nice_max(max(values, default=Decimal(1)))
    body = _legend([label for label, _values in series], label_width, 40)
    for index, category in enumerate(categories):
        y0 = top + index * group_height
        body.append(
            f'<text x="{label_width - 6}" y="{y0 + group_height / 2}" text-anchor="end" font-size="12" {FONT}>'
            f"{escape(category)}</text>"
        )
        for s_index, (_label, series_values) in enumerate(series):
            value = series_values[index]
            if value is None:
                continue
            length = float(Decimal(value) / axis_max) * plot_width
            y = y0 + s_index * bar
            colour = PALETTE[s_index % len(PALETTE)]
            body.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" fill="{colour}"/>')
            body.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 3}" font-size="11" {FONT}>'
                f"{escape(format_rate(value))}{escape(unit)}</text>"
            )
    axis_y = top + group_height * len(categories) + 5
    body.append(f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{axis_y}" stroke="#333"/>')
    body.append(f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot_width}" y2="{axis_y}" stroke="#333"/>')
    for tick in range(6):
        tick_value = axis_max * tick / 5
        x = label_width + plot_width * tick / 5
        body.append(f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 4}" stroke="#333"/>')
        body.append(
            f'<text x="{x}" y="{axis_y + 17}" text-anchor="middle" font-size="11" {FONT}>'
            f"{escape(format_decimal(tick_value, 1 if axis_max < 5 else 0))}</text>"
        )
    desc = "; ".join(
        f"{category}: "
        + ", ".join(f"{label} {format_rate(values_[i])}{unit}" for label, values_ in series if values_[i] is not None)
        for i, category in enumerate(categories)
    )
    return _svg(width, height, title, desc, body, chart_id)


def line_chart(
    *,
    title: str,
    years: list[int],
    series: list[tuple[str, dict[int, object]]],
    unit: str = "%",
    chart_id: str = "lines",
    breaks: dict[int, str] | None = None,
) -> SafeString:
    """Lines over years: one per series (a district, or results and targets of one locality).

    `years` is the axis. A year of the axis for which a series has no value (absent or None) is missing: the line
    stops before it and starts again after it — never drawn through it as if the figure were known — and the text
    alternative says which years are missing. `breaks` maps a year to the label of what changes there (a new
    poverty standard): no line joins the year before it to it, and a dashed rule between the two says so, in the
    picture and in its text alternative."""
    breaks = {year: label for year, label in (breaks or {}).items() if year in years and years.index(year) > 0}
    numbers = Formatter()
    format_decimal, format_rate = numbers.decimal, numbers.rate
    left, plot_width, plot_height, top = 60, 520, 260, 70
    width = left + plot_width + 40
    # As many legend entries a row as fit: four short names, two long ones (“Huyện Mỹ Tân, Đồng Tháp”).
    longest = max((len(label) for label, _points in series), default=0)
    per_row = max(1, min(4, (width - left) // (30 + 7 * longest)))
    legend_rows = (len(series) + per_row - 1) // per_row
    height = top + plot_height + 50 + legend_rows * 18
    values = [v for _label, points in series for v in points.values() if v is not None]
    axis_max = _nice_max(max(values, default=Decimal(1)))
    span = max(len(years) - 1, 1)

    def x_of(year: int) -> float:
        return left + plot_width * (years.index(year) / span if len(years) > 1 else 0.5)

    def y_of(value) -> float:
        return top + plot_height - float(Decimal(value) / axis_max) * plot_height

    body = []
    for row in range(legend_rows):
        labels = [label for label, _points in series[row * per_row : (row + 1) * per_row]]
        body += _legend(labels, left, 40 + row * 18, first_index=row * per_row)
    top += (legend_rows - 1) * 18
    for tick in range(6):
        tick_value = axis_max * tick / 5
        y = top + plot_height - plot_height * tick / 5
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_width}" y2="{y}" stroke="#ddd"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11" {FONT}>'
            f"{escape(format_decimal(tick_value, 1 if axis_max < 5 else 0))}{escape(unit)}</text>"
        )
    for year in years:
        body.append(
            f'<text x="{x_of(year)}" y="{top + plot_height + 18}" text-anchor="middle" font-size="12" {FONT}>'
            f"{year}</text>"
        )
    for year, label in sorted(breaks.items()):
        x = (x_of(years[years.index(year) - 1]) + x_of(year)) / 2
        body.append(
            f'<line class="standard-break" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_height}" '
            f'stroke="#a61c00" stroke-dasharray="5,4"/>'
        )
        body.append(f'<text x="{x + 4:.1f}" y="{top + 12}" font-size="11" fill="#a61c00" {FONT}>{escape(label)}</text>')
    for index, (_label, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
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
    desc = "; ".join(f"{label}: {_described(years, points, unit, format_rate)}" for label, points in series)
    if breaks:
        desc = "; ".join([desc, *(f"{year}: {label}" for year, label in sorted(breaks.items()))])
    return _svg(width, height, title, desc or _("No figures"), body, chart_id)


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

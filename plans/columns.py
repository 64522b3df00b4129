"""Choosing an appendix's columns from lists — what each holds, result or target, the year, the header as printed —
instead of typing them as JSON (the admin's appendix page)."""

import json

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

FIELD_CHOICES = [
    ("households", _("Households")),
    ("poor_households", _("Poor households")),
    ("poverty_rate", _("Poverty rate (%)")),
    ("near_poor_households", _("Near-poor households")),
    ("planned_reduction", _("Planned reduction in poor households")),
    ("value", _("Indicator value (a year's target or result)")),
    ("unit", _("Indicator unit")),
    ("responsible", _("Responsible agency")),
]
KIND_CHOICES = [
    ("result", _("Result")),
    ("target", _("Target")),
    ("baseline", _("Baseline (indicators)")),
    ("", _("— (text columns)")),
]
# The headers a Vietnamese appendix prints, proposed when the header is left blank (data, as documents write it).
DEFAULT_HEADERS = {
    "households": "Tổng số hộ dân cư",
    "poor_households": "Tổng số hộ nghèo",
    "poverty_rate": "Tỷ lệ hộ nghèo (%)",
    "near_poor_households": "Tổng số hộ cận nghèo",
    "planned_reduction": "Số hộ nghèo giảm",
    "unit": "ĐVT",
    "responsible": "Đơn vị thực hiện",
}
DEFAULT_GROUPS = {"result": "Kết quả năm {year}", "target": "Chỉ tiêu năm {year}", "baseline": "Kết quả năm {year}"}
EMPTY_ROWS = 6
MAX_ROWS = 200


class ColumnsWidget(forms.Widget):
    """One line per column: what it holds, result or target, year, header and the merged header above it."""

    def _columns(self, value) -> list[dict]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return []
        return [column for column in value or [] if isinstance(column, dict)]

    def render(self, name, value, attrs=None, renderer=None):
        columns = self._columns(value)
        lines = []
        for index in range(len(columns) + EMPTY_ROWS):
            column = columns[index] if index < len(columns) else {}
            field = column.get("field") or ("value" if column.get("year") else "")
            lines.append(
                format_html(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    _select(f"{name}-{index}-field", FIELD_CHOICES, field, blank=True),
                    _select(f"{name}-{index}-kind", KIND_CHOICES, column.get("kind", "")),
                    format_html(
                        '<input type="number" name="{}-{}-year" value="{}" min="1990" max="2100" style="width:6em">',
                        name,
                        index,
                        column.get("year", ""),
                    ),
                    format_html(
                        '<input type="text" name="{}-{}-header" value="{}" size="30">',
                        name,
                        index,
                        column.get("header", ""),
                    ),
                    format_html(
                        '<input type="text" name="{}-{}-group" value="{}" size="20">',
                        name,
                        index,
                        column.get("group", ""),
                    ),
                )
            )
        head = format_html(
            "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
            _("What the column holds"),
            _("Result or target"),
            _("Year"),
            _("Header as printed (blank: the usual one)"),
            _("Merged header above (blank: “Chỉ tiêu năm …”)"),
        )
        return format_html(
            '<table class="columns-chooser" id="{}">{}<tbody>{}</tbody></table><p class="help">{}</p>',
            attrs.get("id", name) if attrs else name,
            head,
            mark_safe("".join(lines)),  # each line is built with format_html above
            _("Leave a line's first choice empty to remove it; save to get more empty lines."),
        )

    def value_from_datadict(self, data, files, name):
        if f"{name}-0-field" not in data:
            return data.get(name)  # posted as JSON (an old form, a script)
        columns = []
        for index in range(MAX_ROWS):
            if f"{name}-{index}-field" not in data:
                break
            field = data.get(f"{name}-{index}-field", "").strip()
            if not field:
                continue
            kind = data.get(f"{name}-{index}-kind", "").strip()
            year_text = data.get(f"{name}-{index}-year", "").strip()
            year = int(year_text) if year_text.isdigit() else (year_text or None)
            column = {"header": data.get(f"{name}-{index}-header", "").strip() or _default_header(field, kind, year)}
            group = data.get(f"{name}-{index}-group", "").strip()
            if not group and kind in DEFAULT_GROUPS and year:
                group = DEFAULT_GROUPS[kind].format(year=year)
            if group:
                column["group"] = group
            if year is not None:
                column["year"] = year
            if kind:
                column["kind"] = kind
            if field != "value":
                column["field"] = field
            columns.append(column)
        return json.dumps(columns, ensure_ascii=False)


def _default_header(field: str, kind: str, year) -> str:
    if field == "value":
        return f"Năm {year}" if year else "Giá trị"
    return DEFAULT_HEADERS.get(field, field)


def _select(name: str, choices, selected: str, blank: bool = False):
    options = [("", "—")] if blank else []
    return format_html(
        '<select name="{}">{}</select>',
        name,
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == selected else "", label)
                for value, label in [*options, *choices]
            ),
        ),
    )

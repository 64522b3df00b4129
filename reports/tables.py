"""django-tables2 tables of the report pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Qualifier
from kernel.items import tuple_getter
from kernel.markup import text, url_maker
from kernel.numbers import Formatter
from plan_tables.household import Column, HouseholdTable, selection_total
from plan_tables.selectors import IndicatorTable


class FigureColumn(tables.Column):
    """A published figure: counts grouped (7.540), rates with two decimals (2,27)."""

    def __init__(self, column: Column, **kwargs):
        self.figure_column = column
        classes = "num bold" if column.bold else "num"
        super().__init__(
            verbose_name=column.header,
            attrs={"td": {"class": classes}, "th": {"class": "num", "scope": "col"}},
            **kwargs,
        )

    def render(self, value):
        return format_cell(self.figure_column, value)

    def value(self, value):
        return format_cell(self.figure_column, value)


def format_cell(column: Column, value, numbers: Formatter | None = None) -> str:
    """One figure as the table writes it; `numbers`: a Formatter shared by a row's cells (the language looked up
    once, not per cell)."""
    return "" if value is None else figure_format(column, numbers or Formatter())(value)


def figure_format(column: Column, numbers: Formatter):
    """How the column's figures are written: rates with the decimals the document printed (2,27; 1,2), counts
    grouped (7.540)."""
    return numbers.rate if column.is_rate else numbers.count


class DistrictTable(tables.Table):
    """One row per locality of a household appendix; the published and computed totals go in the footer."""

    number = tables.Column(order_by=("order",), attrs={"td": {"class": "num"}})
    label = tables.Column()

    class Meta:
        attrs = {"class": "data district-table"}
        orderable = True

    def __init__(self, household: HouseholdTable, columns: list[Column], rows, show_totals: bool = True, **kwargs):
        self.household = household
        self.show_totals = show_totals
        self.selected_rows = rows
        self.visible_columns = columns
        extra = [(column.key, FigureColumn(column)) for column in columns]
        keys = [(column.key, column.index) for column in columns]
        data = [
            {
                "order": index,
                "number": row.number,
                "label": row.label,
                "slug": row.locality_slug,
                **{key: row.cells[position] for key, position in keys},
            }
            for index, row in enumerate(rows)
        ]
        super().__init__(data, extra_columns=extra, **kwargs)
        self.columns["number"].column.verbose_name = household.appendix.number_header or "STT"
        self.columns["label"].column.verbose_name = household.appendix.label_header or _("Locality")

    def render_label(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("reports:locality", args=[record["slug"]]), value)

    def value_label(self, value):
        return value

    def as_html(self) -> SafeString:
        """The whole table in its own scroll box (the header row stays on top, STT and the name on the left:
        site.css), built in Python as its rows are: django-tables2's template and its blocks were a tenth of a
        small table page's rendering, for markup that never varies."""
        label = escape(gettext("Table of figures (scrolls sideways)"))
        footer = []
        for row in self.footer_rows():
            cells = "".join(
                f'<td class="num differs">{value}</td>' if differs else f'<td class="num">{value}</td>'
                for value, differs, _bold in row["cells"]
            )
            footer.append(f'<tr class="{row["kind"]}"><td></td><th scope="row">{escape(row["label"])}</th>{cells}</tr>')
        return mark_safe(
            f'<div class="table-container table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f"<table {self.attrs.as_html()}>"
            f"<thead>\n{self.head_html()}\n</thead>\n<tbody>\n{self.body_html()}\n</tbody>\n"
            f"<tfoot>\n{''.join(footer)}\n</tfoot>\n</table>\n</div>"
        )

    def body_html(self) -> SafeString:
        """The body rows, exactly as django-tables2's template renders them, built in one pass.

        A national table has 700 rows of 17 cells: the template's per-cell work (a bound row and column, an
        accessor, a render call with its signature inspected, a template node) took 50 µs a cell — most of the
        page's time. The markup is the same: even/odd rows, the columns' classes, the table's default for an
        empty cell, the locality linked. Sorting has already been applied to `self.data` by RequestConfig.
        """
        default = conditional_escape(self.default)
        formatter = Formatter()
        locality_url = url_maker("reports:locality")
        figure_cells = [
            (
                column.key,
                figure_format(column, formatter),
                '<td class="bold num">' if column.bold else '<td class="num">',
            )
            for column in self.visible_columns
        ]
        figures_of = tuple_getter([key for key, _format, _opening in figure_cells])
        write_figures = formatter.row_writer(
            [column.is_rate for column in self.visible_columns],
            [opening for _key, _format, opening in figure_cells],
            "</td>",
        )

        parts = []
        for index, record in enumerate(self.data):
            number, label = record["number"], record["label"]
            cells = [
                '<tr class="even">' if index % 2 == 0 else '<tr class="odd">',
                '<td class="num">',
                default if number in (None, "") else text(number),
                "</td><td >",
            ]
            if label in (None, ""):
                cells.append(default)
            else:
                cells += ['<a href="', text(locality_url(record["slug"])), '">', text(label), "</a>"]
            cells.append("</td>")
            # A formatted figure is digits and separators: nothing to escape.
            figures = write_figures(figures_of(record))
            if figures is not None:
                cells.append(figures)
            else:  # an empty cell, or a figure out of the common case: figure by figure
                for key, format_figure, opening in figure_cells:
                    value = record[key]  # an int, a Decimal or None, as stored
                    cells += [opening, default if value is None else format_figure(value), "</td>"]
            cells.append("</tr>")
            parts.append("".join(cells))
        return mark_safe("\n".join(parts))

    def head_html(self) -> SafeString:
        """The header rows, built in one pass as the body is: a template include per column header was a third of a
        small table's rendering. Each sortable header links to the page sorted by it, shows the direction (▲ ▼) and
        announces it (aria-sort); with column groups, STT and the name span both header rows."""
        params = dict(self.request.GET) if getattr(self, "request", None) is not None else {}
        sort_field = self.prefixed_order_by_field

        def header(column, rowspan: int | None = None) -> str:
            ordered = column.is_ordered
            descending = ordered and column.order_by_alias.is_descending
            classes = conditional_escape(column.attrs["th"].get("class") or "") + (" sorted" if ordered else "")
            span = f'rowspan="{rowspan}" ' if rowspan else ""
            cell = f'<th {span}scope="col" class="{classes}"'
            if ordered:
                cell += f' aria-sort="{"descending" if descending else "ascending"}"'
            title = conditional_escape(column.header)
            if not column.orderable:
                return f"{cell}>{title}</th>"
            href = escape(f"?{urlencode({**params, sort_field: column.order_by_alias.next}, doseq=True)}")
            mark = ("▼" if descending else "▲") if ordered else "↕"
            return f'{cell}><a href="{href}">{title}<span class="sort-mark" aria-hidden="true">{mark}</span></a></th>'

        columns = list(self.columns)
        if not self.has_groups:
            return mark_safe(f"<tr>{''.join(header(column) for column in columns)}</tr>")
        leading = [header(self.columns["number"], 2), header(self.columns["label"], 2)]
        groups = [f'<th colspan="{span}" scope="colgroup">{escape(group)}</th>' for group, span in self.group_header]
        figures = [header(column) for column in columns if column.name not in ("number", "label")]
        return mark_safe(f"<tr>{''.join(leading + groups)}</tr>\n<tr>{''.join(figures)}</tr>")

    # --- what the template and the CSV add around the rows ---------------------------------------

    @property
    def group_header(self) -> list[tuple[str, int]]:
        spans: list[tuple[str, int]] = []
        for column in self.visible_columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.visible_columns)

    def footer_rows(self) -> list[dict]:
        """The published total (as printed, and labelled so) and, where it differs, the computed total beside it;
        for a selection of districts, the total of the selection, computed (the province's would mislead)."""
        household, rows = self.household, []
        columns = self.visible_columns
        if not self.show_totals:
            totals = selection_total(household.columns, self.selected_rows)
            return [self._footer("selection", _("Total of the selected rows (computed)"), totals, None)]
        if household.total is not None:
            label = _("%(label)s (as published)") % {"label": household.total.label}
            rows.append(self._footer("total", label, household.total.cells, household.total_differs, bold=True))
        differs = any(household.total_differs[c.index] for c in columns)
        if household.total is None or differs:
            label = _("Computed total (sum of the rows)")
            rows.append(self._footer("computed", label, household.computed_total, household.total_differs))
        return rows

    def _footer(self, kind: str, label: str, values: list, differs: list | None, bold: bool = False) -> dict:
        columns, numbers = self.visible_columns, Formatter()
        return {
            "kind": kind,
            "label": label,
            "values": [values[c.index] for c in columns],
            "cells": [
                (format_cell(c, values[c.index], numbers), bool(differs and differs[c.index]), bold and c.bold)
                for c in columns
            ],
        }

    def download_rows(self) -> list[list]:
        """Exactly what the page shows, in its order — headers, rows, totals — with figures as values (an int, a
        Decimal or None), for the downloads to write as numbers (reports.downloads)."""
        header = [str(self.columns["number"].header), str(self.columns["label"].header)] + [
            f"{column.group} — {column.header}" if column.group else column.header for column in self.visible_columns
        ]
        body = [
            [record["number"], record["label"]] + [record[column.key] for column in self.visible_columns]
            for record in self.data
        ]
        footer = [["", str(row["label"]), *row["values"]] for row in self.footer_rows()]
        return [header, *body, *footer]


def indicator_download_rows(table: IndicatorTable) -> list[list]:
    """The indicator page's table as its downloads write it, in its order (the filtered dimensions only): each value
    as the document printed it ("9,7", "60,68", "100" — a Decimal carrying those decimals, for the downloads to write
    as numbers) and the wording a figure alone loses ("dưới 9%", "khoảng 0,5%") in a column of its own."""
    years = {"baseline": _("Result %(year)s"), "result": _("Achieved %(year)s"), "target": _("Target %(year)s")}
    header = [
        str(_("Dimension")),
        str(_("Indicator (as written)")),
        str(_("Unit")),
        *(str(years.get(kind, years["target"])) % {"year": year} for year, kind in table.years),
        str(_("Wording of the values")),
        str(_("Lead agency")),
    ]
    rows = [header]
    for group in table.groups:
        for row in group.rows:
            pi = row.plan_indicator
            values = [value for value in row.cells if value is not None]
            wording = "; ".join(
                f"{value.year}: {value.value_as_written}"
                for value in values
                if value.value_as_written and value.qualifier != Qualifier.EXACTLY
            )
            rows.append(
                [
                    group.dimension.name,
                    pi.text,
                    pi.indicator.unit,
                    *(value.value_as_printed if value is not None else None for value in row.cells),
                    wording,
                    pi.lead_agency.display_name if pi.lead_agency else "",
                ]
            )
    return rows

"""The markup of the plan page's longest loops, built in Python in one pass: the agencies' duties, the appendices'
rows.

A template renders each row through a node per tag, a context lookup per variable and a `reverse()` per link:
on the first view of a plan page after a change (the page is kept by revision afterwards, kernel/page_cache.py)
these loops were a third of its time. The markup is what the templates wrote, with the same escaping: Django's
(`&`, `<`, `>`, `"`, `'`), done by the standard library's `html.escape` for the plain strings the database gives.
"""

from collections.abc import Callable, Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kernel.markup import text, url_maker
from kernel.numbers import Formatter, format_printed
from plan_tables.household import HouseholdTable
from plan_tables.selectors import IndicatorRow
from plans.models import Agency, AgencyResponsibility, Appendix, Duty, ProgramProject
from reports.tables import format_cell


def _agency_url() -> Callable[[Agency], str]:
    url = url_maker("reports:agency", 2)
    return lambda agency: url(agency.province.slug, agency.slug)


def led_project_html(duty: Duty, project: ProgramProject, no_print: bool = False, leads: str | None = None) -> str:
    """A "leads DA1" badge with the project's name written beside it (not only in a tooltip, which touch screens
    and many screen readers never show)."""
    hidden = " no-print" if no_print else ""
    anchor = f"led-{duty.pk}-{project.pk}"
    return (
        f'<span class="badge led-project{hidden}" aria-describedby="{anchor}">{leads or text(_("leads"))} '
        f'{text(project.code)}</span> <span class="explain-inline{hidden}" id="{anchor}">({text(project.name)})</span>'
    )


def responsibilities_html(responsibilities: Iterable[AgencyResponsibility]) -> SafeString:
    """Each agency's responsibility: its heading linked to the agency's page, then its duties — inline when it has
    one without a marker — each with the programme projects it leads."""
    agency_url, leads = _agency_url(), text(_("leads"))
    parts = []
    for responsibility in responsibilities:
        agency, duties = responsibility.agency, list(responsibility.duties.all())
        listed = len(duties) > 1 or (bool(duties) and bool(duties[0].marker))
        inline = f": {text(duties[0].text)}" if len(duties) == 1 and not duties[0].marker else ""
        parts += [
            f'<div class="section responsibility" id="agency-{text(agency.slug)}">\n',
            f"<p><strong>{text(responsibility.number)}. ",
            f'<a href="{text(agency_url(agency))}">{text(responsibility.heading)}</a></strong>{inline}</p>\n',
        ]
        for duty in duties if listed else ():
            marker = "- " if duty.marker == "-" else f"{text(duty.marker)}) " if duty.marker else ""
            projects = "".join(  # each followed by a line break: a space between two projects' badges
                led_project_html(duty, project, no_print=True, leads=leads) + "\n"
                for project in duty.led_projects.all()
            )
            parts.append(f'<p class="duty">{marker}{text(duty.text)}\n{projects}</p>\n')
        parts.append("</div>\n")
    return mark_safe("".join(parts))


def _table_start(label: str) -> str:
    return (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{text(label)}">\n'
        '<table class="data appendix-table">\n'
    )


_TABLE_END = "</tbody>\n</table>\n</div>\n"


def household_appendix_html(table: HouseholdTable) -> SafeString:
    """A household appendix as published: its headers (the merged group row when it has one), then its rows, each
    locality linked to its page, the figures as the document writes them."""
    appendix, columns = table.appendix, table.columns
    headers = "".join(f'<th scope="col">{text(column.header)}</th>' for column in columns)
    parts = [_table_start(appendix.heading), "<thead>\n"]
    if table.has_groups:
        groups = "".join(f'<th colspan="{span}" scope="colgroup">{text(group)}</th>' for group, span in table.groups)
        parts += [
            f'<tr>\n<th rowspan="2" scope="col">{text(appendix.number_header)}</th>\n',
            f'<th rowspan="2" scope="col">{text(appendix.label_header)}</th>\n{groups}\n</tr>\n',
            f"<tr>{headers}</tr>\n",
        ]
    else:
        parts += [
            f'<tr>\n<th scope="col">{text(appendix.number_header)}</th>\n',
            f'<th scope="col">{text(appendix.label_header)}</th>\n{headers}\n</tr>\n',
        ]
    parts.append("</thead>\n<tbody>\n")
    locality_url, numbers = url_maker("reports:locality"), Formatter()
    for row in table.published_order:
        if row.is_total:
            label = text(row.label)
        else:
            label = f'<a href="{text(locality_url(row.locality_slug))}">{text(row.label)}</a>'
        cells = "".join(
            # A formatted figure is digits and separators: nothing to escape.
            f'<td class="num{" bold" if column.bold or row.is_total else ""}">'
            f"{format_cell(column, row.cells[column.index], numbers)}</td>"
            for column in columns
        )
        parts += [
            '<tr class="total">\n' if row.is_total else "<tr>\n",
            f'<td class="num">{text(row.number)}</td>\n<td>{label}</td>\n{cells}\n</tr>\n',
        ]
    parts.append(_TABLE_END)
    return mark_safe("".join(parts))


def indicator_value_text(plan_indicator, column: dict) -> str:
    """The indicator's value for an appendix column spec ({"year", "kind"}), written as the document printed it."""
    for value in plan_indicator.values.all():
        if value.year == column.get("year") and value.kind == column.get("kind"):
            return format_printed(value.value_as_printed)
    return ""


def indicator_appendix_html(appendix: Appendix, rows: list[IndicatorRow] | None) -> SafeString:
    """An indicator appendix as published: per indicator its number and text, then each column of the appendix —
    the unit, the responsible agency as written (linked to the agency's page when the plan names it) or a value."""
    columns = appendix.columns or []
    headers = "".join(f'<th scope="col">{text(column.get("header", ""))}</th>' for column in columns)
    parts = [
        _table_start(appendix.heading),
        f'<thead><tr>\n<th scope="col">{text(appendix.number_header)}</th>\n',
        f'<th scope="col">{text(appendix.label_header)}</th>\n{headers}\n</tr></thead>\n<tbody>\n',
    ]
    agency_url = _agency_url()
    for row in rows or ():
        pi = row.plan_indicator
        heading = f"<strong>{text(pi.group_heading)}</strong> " if pi.group_heading else ""
        cells = []
        for column in columns:
            field = column.get("field")
            if field == "unit":
                cells.append(f"<td>{text(pi.indicator.unit)}</td>")
            elif field == "responsible":
                responsible = text(pi.responsible_as_written)
                if pi.lead_agency and pi.responsible_as_written:
                    responsible = f'<a href="{text(agency_url(pi.lead_agency))}">{responsible}</a>'
                cells.append(f"<td>{responsible}</td>")
            else:
                cells.append(f'<td class="num">{text(indicator_value_text(pi, column))}</td>')
        parts.append(f'<tr>\n<td class="num">{text(pi.number)}</td>\n<td>{heading}{text(pi.text)}</td>\n')
        parts.append("\n".join(cells) + "\n</tr>\n")
    parts.append(_TABLE_END)
    return mark_safe("".join(parts))

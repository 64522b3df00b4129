"""The public report pages: thin views over selectors, tables and charts."""

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from html import escape as html_escape

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from analysis.deadlines import reporting_deadlines
from analysis.lineage import table_on_units_of
from analysis.quality import check_plan
from kernel.numbers import Formatter, format_count
from kernel.page_cache import revision_cached
from localities.models import Locality
from plan_tables import selectors as plan_tables
from plan_tables.household import Column, HouseholdTable, household_table, selection_total
from plan_tables.selectors import IndicatorTable
from plans.models import Agency, Appendix, AppendixKind, HouseholdFigure, Plan
from plans.models.standards import standard_label
from reports import charts, downloads, selectors
from reports.forms import DistrictFilterForm, IndicatorFilterForm
from reports.tables import DistrictTable, indicator_download_rows
from workflow.models import ReviewState, Table, TableReview
from workflow.page_keys import plan_page_key, site_page_key, viewable_plan_of
from workflow.permissions import Checker


@revision_cached(site_page_key)
def home(request):
    search = request.GET.get("q", "")
    return render(request, "reports/home.html", {"groups": selectors.plan_list(request.user, search), "search": search})


@revision_cached(plan_page_key)
def plan_detail(request, slug):
    plan = viewable_plan_of(request, slug)
    tables = plan_tables.plan_tables(plan)
    indicator_table = plan_tables.indicator_table(plan, tables.indicators)
    deadlines = reporting_deadlines(plan)
    context = {
        "plan": plan,
        "text": selectors.PlanText(plan, deadlines),  # read only when the page's cached rendering is out of date
        "today": timezone.localdate(),
        "deadlines": deadlines,
        "appendices": tables.appendices,
        "household_tables": tables.household,
        "indicator_appendix_rows": _indicator_rows_by_appendix(indicator_table),
        "loose_indicator_rows": [
            row for group in indicator_table.groups for row in group.rows if not row.plan_indicator.appendix_id
        ],
        "finding_count": len(check_plan(plan, tables)),
        "can_edit": Checker(request.user, plan).may_edit_anything,
        "checker": Checker(request.user, plan),  # which editing screens to offer: only those the user may use
        "rate_charts": [_rate_bar_chart(table) for table in tables.household.values()],
        **_plan_lineage(plan),
    }
    return render(request, "reports/plan_detail.html", context)


def _plan_lineage(plan: Plan) -> dict:
    """The plan it follows and the plans that follow it (one query)."""
    related = list(
        Plan.objects.filter(Q(pk=plan.follows_id) | Q(follows=plan)).select_related("province").order_by("first_year")
    )
    return {
        "follows": next((p for p in related if p.pk == plan.follows_id), None),
        "followed_by": [p for p in related if p.follows_id == plan.pk],
    }


def _indicator_rows_by_appendix(indicator_table) -> dict[int, list]:
    rows: dict[int, list] = {}
    for group in indicator_table.groups:
        for row in group.rows:
            if row.plan_indicator.appendix_id:
                rows.setdefault(row.plan_indicator.appendix_id, []).append(row)
    for appendix_rows in rows.values():
        appendix_rows.sort(key=lambda row: row.plan_indicator.order)
    return rows


def _rate_columns(table: HouseholdTable):
    """The baseline (latest result) and the final target rate columns of a household table."""
    rates = [c for c in table.columns if c.is_rate]
    results = [c for c in rates if c.kind == "result"]
    targets = [c for c in rates if c.kind == "target"]
    return (results[-1] if results else None), (targets[-1] if targets else None)


# A chart stays readable up to a few dozen districts. Above that (a national table: 700) it draws the districts with
# the highest rates — where poverty is — rather than 1.400 bars and 700 tangled lines nobody can read.
CHART_DISTRICTS = 30


@dataclass
class _ChartRows:
    rows: list  # the table's rows to draw
    ranked_by: Column | None  # the rate column they were chosen by, when the table has more rows than a chart shows


def _chart_rows(table: HouseholdTable) -> _ChartRows:
    if len(table.rows) <= CHART_DISTRICTS:
        return _ChartRows(table.rows, None)
    baseline, target = _rate_columns(table)
    column = baseline or target
    if column is None:
        return _ChartRows(table.rows[:CHART_DISTRICTS], None)
    ranked = sorted(
        (row for row in table.rows if row.cells[column.index] is not None),
        key=lambda row: row.cells[column.index],
        reverse=True,
    )
    return _ChartRows(ranked[:CHART_DISTRICTS], column)


def _rate_bar_chart(table: HouseholdTable):
    baseline, target = _rate_columns(table)
    chosen = _chart_rows(table)
    series = [
        (
            _("%(year)s result") % {"year": column.year}
            if column.kind == "result"
            else _("%(year)s target") % {"year": column.year},
            [row.cells[column.index] for row in chosen.rows],
        )
        for column in (baseline, target)
        if column is not None
    ]
    if not series:
        return None
    if chosen.ranked_by is None:
        title = _("Poverty rate by %(units)s (%%): %(appendix)s") % {
            "units": table.words.units,
            "appendix": table.appendix.heading,
        }
    else:
        title = _(
            "Poverty rate (%%): the %(shown)s %(units)s with the highest rate in %(year)s, of %(total)s — %(appendix)s"
        ) % {
            "shown": len(chosen.rows),
            "units": table.words.units,
            "year": chosen.ranked_by.year,
            "total": format_count(len(table.rows)),
            "appendix": table.appendix.heading,
        }
    return charts.bar_chart(
        title=title,
        categories=[row.label for row in chosen.rows],
        series=series,
        chart_id=f"rates-{table.appendix.code}",
    )


def _standard_breaks(table: HouseholdTable, years: list[int]) -> dict[int, str]:
    """The years at which the table's figures change poverty standard, with the label a chart prints there: lines
    are not joined across them (two standards measure different things), as in the locality's chart."""
    if len(table.standards) < 2:
        return {}
    by_year: dict[int, Counter] = defaultdict(Counter)
    for row in [*table.rows, *([table.total] if table.total else [])]:
        for (year, _kind), figure in row.figures.items():
            if figure.standard_id:
                by_year[year][figure.standard_id] += 1
    breaks, previous = {}, None
    for year in years:
        if not by_year[year]:
            continue
        code = by_year[year].most_common(1)[0][0]
        if previous is not None and code != previous:
            breaks[year] = _("poverty standard %(standard)s from %(year)s") % {
                "standard": standard_label(code),
                "year": year,
            }
        previous = code
    return breaks


def _trajectory_charts(table: HouseholdTable):
    rate_columns = [c for c in table.columns if c.is_rate]
    years = sorted({c.year for c in rate_columns})
    if len(years) < 2:
        return []
    breaks = _standard_breaks(table, years)
    chosen = _chart_rows(table)
    if chosen.ranked_by is None:
        title = _("Poverty rate by %(units)s across the years (%%)") % {"units": table.words.units}
    else:
        title = _("Poverty rate across the years (%%): the %(shown)s %(units)s with the highest rate in %(year)s") % {
            "shown": len(chosen.rows),
            "units": table.words.units,
            "year": chosen.ranked_by.year,
        }
    lines = charts.line_chart(
        title=title,
        years=years,
        series=[(row.label, {c.year: row.cells[c.index] for c in rate_columns}) for row in chosen.rows],
        chart_id=f"trajectories-{table.appendix.code}",
        breaks=breaks,
    )
    total_series = []
    if table.total is not None:
        total_series.append((_("published total"), {c.year: table.total.cells[c.index] for c in rate_columns}))
    computed = {
        c.year: table.computed_total[c.index] for c in rate_columns if table.computed_total[c.index] is not None
    }
    if computed:
        total_series.append((_("computed from the %(units)s") % {"units": table.words.units}, computed))
    province = charts.line_chart(
        title=_("Poverty rate of %(whole)s (%%)") % {"whole": table.words.whole},
        years=years,
        series=total_series,
        chart_id=f"province-{table.appendix.code}",
        breaks=breaks,
    )
    return [lines, province]


def _household_table_for(plan: Plan, code: str | None) -> tuple[HouseholdTable, list[Appendix]]:
    """The household table `code` (else the plan's first), and the plan's other household tables (one query)."""
    appendices = plan_tables.household_appendices(plan)
    chosen = [a for a in appendices if a.code == code] if code else appendices
    if not chosen:
        raise Http404(_("This plan has no table of households by unit."))
    return household_table(chosen[0], with_figures=False), [a for a in appendices if a.pk != chosen[0].pk]


def _district_table(request, slug):
    plan = viewable_plan_of(request, slug)
    household, others = _household_table_for(plan, request.GET.get("appendix"))
    form = DistrictFilterForm(request.GET, household)
    columns, rows = form.filtered()
    district_filtered = form.is_valid() and bool(form.cleaned_data["district"])
    table = DistrictTable(household, columns, rows, show_totals=not district_filtered)
    RequestConfig(request, paginate=False).configure(table)
    return plan, household, form, table, others


def _shown_table(household: HouseholdTable, table: DistrictTable) -> HouseholdTable:
    """The household table as the filtered page shows it — its years, its districts and, for a selection of
    districts, their computed total instead of the province's — for the charts to draw what the table shows."""
    if table.show_totals:
        shown = replace(household, columns=table.visible_columns)
        # The same rows and figures, so the same poverty standards: not read again from the 3.500 figures.
        shown.__dict__["standards"] = household.standards
        return shown
    return replace(
        household,
        columns=table.visible_columns,
        rows=table.selected_rows,
        total=None,
        computed_total=selection_total(household.columns, table.selected_rows),
    )


@revision_cached(plan_page_key)
def district_table(request, slug):
    plan, household, form, table, others = _district_table(request, slug)
    shown = _shown_table(household, table)
    context = {
        "plan": plan,
        "household": household,
        "form": form,
        "table": table,
        "other_appendices": others,
        "rate_chart": _rate_bar_chart(shown),
        "trajectory_charts": _trajectory_charts(shown),
        "can_edit": Checker(request.user, plan).may_edit_districts,
        "can_edit_plan": bool(Checker(request.user, plan).can_edit_document()),
        "derived": HouseholdFigure.objects.filter(plan=plan, is_derived=True)
        .select_related("locality")
        .order_by("year", "locality__name"),
        "baseline_year": plan.first_year - 1,
        "query": request.GET.urlencode(),
        "reviews": TableReview.objects.filter(plan=plan, table=Table.DISTRICTS)
        .exclude(state=ReviewState.DRAFT)
        .select_related("locality", "changed_by")
        .order_by("locality__name"),
    }
    return render(request, "reports/district_table.html", context)


@revision_cached(plan_page_key)
def district_table_today(request, slug):
    """An old plan's table carried onto the units in force today (analysis.lineage): what the figures of Huyện
    Phù Cừ or Tỉnh Thừa Thiên Huế amount to on the units officials now plan for."""
    plan = viewable_plan_of(request, slug)
    household, _others = _household_table_for(plan, request.GET.get("appendix"))
    today = table_on_units_of(household)
    context = {
        "plan": plan,
        "household": household,
        "today": today,
        "rows_html": _today_rows_html(today, len(household.columns)),
        "count_columns": household.columns,
    }
    return render(request, "reports/district_table_today.html", context)


def _today_rows_html(today, width: int) -> str:
    """The table's body, written here rather than by the template: a national table carries 10.600 rows onto 3.500
    units with 15 figures each, and a template tag per cell took seconds (as for the district table, reports.tables).
    Everything from the database is escaped (with the standard library's `html.escape`, which Django's `escape`
    wraps: the same text, without the lazy-string check for each of 30.000 names and addresses)."""
    incomplete, comparable, not_comparable = (
        html_escape(_("incomplete: no total")),
        html_escape(_("comparable")),
        html_escape(_("not comparable")),
    )
    missing_label, unknown = html_escape(_("missing")), html_escape(_("share unknown"))
    formatter = Formatter()  # the language's separators, looked up once for 50.000 cells
    # One reverse() for the table: a unit's address is this with its slug (a slug is [-a-z0-9], nothing to quote).
    prefix, suffix = reverse("reports:locality", args=["slug-here"]).split("slug-here")

    def locality_url(slug: str) -> str:
        return html_escape(f"{prefix}{slug}{suffix}")

    def source_text(source) -> str:
        if source.share is None:
            return f"{html_escape(source.name)} ({unknown})"
        percent = 100 if source.share == 1 else source.share_percent
        if percent == 100:
            return html_escape(source.name)
        return f"{html_escape(source.name)} ({formatter.decimal(percent)}%)"

    lines = []
    for row in today.rows:
        url = locality_url(row.unit.slug)
        if row.complete:
            cells = "".join(f'<td class="num">{cell}</td>' for cell in row.formatted_cells(formatter))
        else:
            cells = f'<td colspan="{width}" class="muted">{incomplete}</td>'
        sources = "; ".join(source_text(source) for source in row.sources)
        if row.missing:
            sources += f'<br><span class="badge warn">{missing_label}</span> ' + ", ".join(
                f'<a href="{locality_url(m.slug)}">{html_escape(m.name)}</a>' for m in row.missing
            )
        badge = (
            f'<span class="badge ok">{comparable}</span>'
            if row.comparable
            else f'<span class="badge warn">{not_comparable}</span>'
        )
        row_class = "" if row.complete else ' class="incomplete"'
        lines.append(
            f'<tr data-locality="{html_escape(row.unit.slug)}"{row_class}>'
            f'<th scope="row"><a href="{url}">{html_escape(row.unit.name)}</a></th>{cells}'
            f"<td>{sources}</td><td>{badge}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # every value above is escaped


@revision_cached(plan_page_key)
def district_table_csv(request, slug):
    plan, household, _form, table, _others = _district_table(request, slug)
    response = HttpResponse(downloads.table_csv(table.download_rows()), content_type=downloads.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{household.appendix.code}.csv"'
    return response


@revision_cached(plan_page_key)
def district_table_xlsx(request, slug):
    """Exactly what the (filtered, sorted) page shows, as a workbook: not the appendix layout, the page's."""
    plan, household, _form, table, _others = _district_table(request, slug)
    rates = {position + 2 for position, column in enumerate(table.visible_columns) if column.is_rate}
    content = downloads.table_xlsx(table.download_rows(), title=household.appendix.heading, rate_columns=rates)
    response = HttpResponse(content, content_type=downloads.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{household.appendix.code}.xlsx"'
    return response


def _indicator_table(request, slug):
    """The plan and its indicator table as the page's filter shows it: the page and its downloads share it."""
    plan = viewable_plan_of(request, slug)
    table = plan_tables.indicator_table(plan)
    form = IndicatorFilterForm(request.GET or None, table.groups)
    shown = form.filtered()
    return plan, form, shown != table.groups, IndicatorTable(years=table.years, groups=shown)


@revision_cached(plan_page_key)
def indicator_table(request, slug):
    plan, form, filtered, table = _indicator_table(request, slug)
    context = {
        "plan": plan,
        "form": form,
        "filtered": filtered,
        "indicator_table": table,
        "query": request.GET.urlencode(),
        "indicator_appendices": plan.appendices.filter(kind=AppendixKind.INDICATOR_TARGETS),
        "can_edit": Checker(request.user, plan).may_edit_indicators,
    }
    return render(request, "reports/indicators.html", context)


@revision_cached(plan_page_key)
def indicator_table_csv(request, slug):
    plan, _form, _filtered, table = _indicator_table(request, slug)
    content = downloads.table_csv(indicator_download_rows(table))
    response = HttpResponse(content, content_type=downloads.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-indicators.csv"'
    return response


@revision_cached(plan_page_key)
def indicator_table_xlsx(request, slug):
    plan, _form, _filtered, table = _indicator_table(request, slug)
    content = downloads.table_xlsx(indicator_download_rows(table), title=_("Indicator targets"))
    response = HttpResponse(content, content_type=downloads.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-indicators.xlsx"'
    return response


@revision_cached(plan_page_key)
def task_table(request, slug):
    plan = viewable_plan_of(request, slug)
    context = {
        "plan": plan,
        "policy_tasks": selectors.policy_tasks(plan),
        "responsibilities": selectors.responsibilities(plan),
        "task_appendices": plan.appendices.filter(kind=AppendixKind.POLICY_TASKS),
        "deadlines": reporting_deadlines(plan),
    }
    return render(request, "reports/tasks.html", context)


@revision_cached(site_page_key)
def locality_detail(request, slug):
    locality = get_object_or_404(Locality.objects.select_related("parent"), slug=slug)
    lines = selectors.locality_figures(locality, request.user)
    series = selectors.locality_series(locality, request.user)
    context = {
        "locality": locality,
        "lines": lines,
        "series": series,
        "chart": _series_chart(locality, series),
        "children": locality.children.order_by("name"),
        "successions": locality.successions.select_related("successor"),
        "predecessions": locality.predecessions.select_related("predecessor"),
    }
    return render(request, "reports/locality.html", context)


def _series_chart(locality: Locality, series: list):
    """The unit's poverty rate across the years, own and derived: one line per kind and poverty standard, so that a
    change of standard breaks the line rather than joining two measures; an incomplete year is a gap."""
    known = {point.year for point in series}
    if not known:
        return None
    # Every year of the span is on the axis, so that a year no line has a figure for is seen missing, not skipped.
    years = list(range(min(known), max(known) + 1))
    kinds = {"result": _("results"), "target": _("targets")}
    several = len({point.standard for point in series if point.standard}) > 1
    lines: dict[tuple, dict] = {}
    for point in series:
        key = (point.kind, point.standard if several else None)
        lines.setdefault(key, {})[point.year] = point.rate if point.complete else None
    labelled = []
    for (kind, standard), points in sorted(lines.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        label = str(kinds[kind])
        if standard:
            label = _("%(kind)s, standard %(standard)s") % {"kind": label, "standard": standard_label(standard)}
        labelled.append((label, points))
    derived = any(point.derived for point in series)
    title = (
        _("Poverty rate of %(name)s across the reform (%%): derived years from its predecessors")
        if derived
        else _("Poverty rate of %(name)s (%%)")
    ) % {"name": locality.name}
    return charts.line_chart(title=title, years=years, series=labelled, chart_id="locality")


@revision_cached(site_page_key)
def agency_detail(request, province, slug):
    agency = get_object_or_404(Agency.objects.select_related("province"), province__slug=province, slug=slug)
    return render(request, "reports/agency.html", {"overview": selectors.agency_overview(agency, request.user)})

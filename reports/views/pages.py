"""The public report pages: thin views over selectors, tables and charts."""

from dataclasses import dataclass, replace

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from analysis.deadlines import reporting_deadlines
from analysis.quality import check_plan
from kernel.numbers import format_count
from localities.models import Locality
from plan_tables import selectors as plan_tables
from plan_tables.household import Column, HouseholdTable, household_table, selection_total
from plan_tables.selectors import IndicatorTable
from plans.models import Agency, AppendixKind, Plan
from reports import charts, downloads, selectors
from reports.forms import DistrictFilterForm, IndicatorFilterForm
from reports.tables import DistrictTable
from workflow.models import ReviewState, Table, TableReview
from workflow.permissions import Checker, viewable_plan


def home(request):
    search = request.GET.get("q", "")
    return render(request, "reports/home.html", {"groups": selectors.plan_list(request.user, search), "search": search})


def plan_detail(request, slug):
    plan = viewable_plan(request.user, slug)
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
        "finding_count": len(check_plan(plan, tables)),
        "can_edit": Checker(request.user, plan).may_edit_anything,
        "rate_charts": [_rate_bar_chart(table) for table in tables.household.values()],
    }
    return render(request, "reports/plan_detail.html", context)


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
        title = _("Poverty rate by district (%%): %(appendix)s") % {"appendix": table.appendix.heading}
    else:
        title = _(
            "Poverty rate (%%): the %(shown)s districts with the highest rate in %(year)s, of %(total)s — %(appendix)s"
        ) % {
            "shown": len(chosen.rows),
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


def _trajectory_charts(table: HouseholdTable):
    rate_columns = [c for c in table.columns if c.is_rate]
    years = sorted({c.year for c in rate_columns})
    if len(years) < 2:
        return []
    chosen = _chart_rows(table)
    if chosen.ranked_by is None:
        title = _("Poverty rate by district across the years (%)")
    else:
        title = _("Poverty rate across the years (%%): the %(shown)s districts with the highest rate in %(year)s") % {
            "shown": len(chosen.rows),
            "year": chosen.ranked_by.year,
        }
    lines = charts.line_chart(
        title=title,
        years=years,
        series=[(row.label, {c.year: row.cells[c.index] for c in rate_columns}) for row in chosen.rows],
        chart_id=f"trajectories-{table.appendix.code}",
    )
    total_series = []
    if table.total is not None:
        total_series.append((_("published total"), {c.year: table.total.cells[c.index] for c in rate_columns}))
    computed = {
        c.year: table.computed_total[c.index] for c in rate_columns if table.computed_total[c.index] is not None
    }
    if computed:
        total_series.append((_("computed from the districts"), computed))
    province = charts.line_chart(
        title=_("Province poverty rate (%)"),
        years=years,
        series=total_series,
        chart_id=f"province-{table.appendix.code}",
    )
    return [lines, province]


def _household_table_for(plan: Plan, code: str | None) -> HouseholdTable:
    appendices = plan_tables.household_appendices(plan)
    if code:
        appendices = [a for a in appendices if a.code == code]
    if not appendices:
        raise Http404(_("This plan has no district table."))
    return household_table(appendices[0], with_figures=False)


def _district_table(request, slug):
    plan = viewable_plan(request.user, slug)
    household = _household_table_for(plan, request.GET.get("appendix"))
    form = DistrictFilterForm(request.GET, household)
    columns, rows = form.filtered()
    district_filtered = form.is_valid() and bool(form.cleaned_data["district"])
    table = DistrictTable(household, columns, rows, show_totals=not district_filtered)
    RequestConfig(request, paginate=False).configure(table)
    return plan, household, form, table


def _shown_table(household: HouseholdTable, table: DistrictTable) -> HouseholdTable:
    """The household table as the filtered page shows it — its years, its districts and, for a selection of
    districts, their computed total instead of the province's — for the charts to draw what the table shows."""
    if table.show_totals:
        return replace(household, columns=table.visible_columns)
    return replace(
        household,
        columns=table.visible_columns,
        rows=table.selected_rows,
        total=None,
        computed_total=selection_total(household.columns, table.selected_rows),
    )


def district_table(request, slug):
    plan, household, form, table = _district_table(request, slug)
    shown = _shown_table(household, table)
    context = {
        "plan": plan,
        "household": household,
        "form": form,
        "table": table,
        "other_appendices": [a for a in plan_tables.household_appendices(plan) if a.pk != household.appendix.pk],
        "rate_chart": _rate_bar_chart(shown),
        "trajectory_charts": _trajectory_charts(shown),
        "can_edit": Checker(request.user, plan).may_edit_anything,
        "query": request.GET.urlencode(),
        "reviews": TableReview.objects.filter(plan=plan, table=Table.DISTRICTS)
        .exclude(state=ReviewState.DRAFT)
        .select_related("locality", "changed_by")
        .order_by("locality__name"),
    }
    return render(request, "reports/district_table.html", context)


def district_table_csv(request, slug):
    plan, household, _form, table = _district_table(request, slug)
    response = HttpResponse(downloads.table_csv(table.download_rows()), content_type=downloads.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{household.appendix.code}.csv"'
    return response


def district_table_xlsx(request, slug):
    """Exactly what the (filtered, sorted) page shows, as a workbook: not the appendix layout, the page's."""
    plan, household, _form, table = _district_table(request, slug)
    rates = {position + 2 for position, column in enumerate(table.visible_columns) if column.is_rate}
    content = downloads.table_xlsx(table.download_rows(), title=household.appendix.heading, rate_columns=rates)
    response = HttpResponse(content, content_type=downloads.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{household.appendix.code}.xlsx"'
    return response


def indicator_table(request, slug):
    plan = viewable_plan(request.user, slug)
    table = plan_tables.indicator_table(plan)
    form = IndicatorFilterForm(request.GET or None, table.groups)
    shown = form.filtered()
    context = {
        "plan": plan,
        "form": form,
        "filtered": shown != table.groups,
        "indicator_table": IndicatorTable(years=table.years, groups=shown),
        "indicator_appendices": plan.appendices.filter(kind=AppendixKind.INDICATOR_TARGETS),
        "can_edit": Checker(request.user, plan).may_edit_anything,
    }
    return render(request, "reports/indicators.html", context)


def task_table(request, slug):
    plan = viewable_plan(request.user, slug)
    context = {
        "plan": plan,
        "policy_tasks": selectors.policy_tasks(plan),
        "responsibilities": selectors.responsibilities(plan),
        "task_appendices": plan.appendices.filter(kind=AppendixKind.POLICY_TASKS),
        "deadlines": reporting_deadlines(plan),
    }
    return render(request, "reports/tasks.html", context)


def locality_detail(request, slug):
    locality = get_object_or_404(Locality.objects.select_related("parent"), slug=slug)
    lines = selectors.locality_figures(locality, request.user)
    series = selectors.figures_by_year(lines)
    years = sorted({year for points in series.values() for year in points})
    chart = None
    if years:
        labels = {"result": _("results"), "target": _("targets")}
        chart = charts.line_chart(
            title=_("Poverty rate of %(name)s (%%)") % {"name": locality.name},
            years=years,
            series=[(labels[kind], points) for kind, points in sorted(series.items())],
            chart_id="locality",
        )
    context = {
        "locality": locality,
        "lines": lines,
        "chart": chart,
        "children": locality.children.order_by("name"),
        "successions": locality.successions.select_related("successor"),
        "predecessions": locality.predecessions.select_related("predecessor"),
    }
    return render(request, "reports/locality.html", context)


def agency_detail(request, province, slug):
    agency = get_object_or_404(Agency.objects.select_related("province"), province__slug=province, slug=slug)
    return render(request, "reports/agency.html", {"overview": selectors.agency_overview(agency, request.user)})

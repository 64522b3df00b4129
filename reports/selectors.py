"""Reads that span the apps, shaped for the pages. Each runs a fixed number of queries."""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from indicators.models import Dimension, IndicatorValue, PlanIndicator, ValueKind
from localities.models import Locality
from plans.models import (
    Agency,
    AgencyResponsibility,
    Appendix,
    AppendixKind,
    Duty,
    HouseholdFigure,
    Plan,
    PlanSection,
    PolicyTask,
    ReportingObligation,
)
from povertyplan.text import normalize
from workflow.permissions import visible_plans

from .tables_data import household_table

# --- plans -------------------------------------------------------------------------------------------


def plan_list(user, search: str = "") -> list[tuple[Locality, list[Plan]]]:
    """The plans the user may read, grouped by province (newest period first), optionally searched."""
    plans = visible_plans(user).select_related("province").order_by("province__name", "-first_year", "slug")
    wanted = search_key(search)
    grouped: dict[Locality, list[Plan]] = {}
    for plan in plans:
        # Matched here, not with icontains: SQLite folds the case of ASCII letters only (“HƯNG YÊN” would not
        # find “Hưng Yên”), and officials often type without diacritics (“hung yen”). The list is one row per
        # plan the user may read, loaded whole for the page anyway.
        if wanted and not any(
            wanted in search_key(text) for text in (plan.title, plan.number, plan.province.name, plan.slug)
        ):
            continue
        grouped.setdefault(plan.province, []).append(plan)
    return list(grouped.items())


def search_key(text: str) -> str:
    """Text as a search compares it: NFC, without diacritics (đ → d), case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFD", normalize(str(text or "")).replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass
class SectionNode:
    section: PlanSection
    children: list["SectionNode"] = field(default_factory=list)


def section_tree(plan: Plan) -> list[SectionNode]:
    """The plan's numbered text as a tree, from one query (sections are stored in document order)."""
    nodes: dict[int, SectionNode] = {}
    roots: list[SectionNode] = []
    for section in plan.sections.prefetch_related("lead_agencies").order_by("order"):
        node = SectionNode(section)
        nodes[section.pk] = node
        if section.parent_id and section.parent_id in nodes:
            nodes[section.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


@dataclass
class Deadline:
    obligation: ReportingObligation
    days_left: int | None  # negative when overdue; None without a due date

    @property
    def state(self) -> str:
        if self.obligation.reported_on:
            return "reported"
        if self.days_left is None:
            return "undated"
        return "overdue" if self.days_left < 0 else "due"

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None else 0


def reporting_deadlines(plan: Plan, today: datetime.date | None = None) -> list[Deadline]:
    today = today or timezone.localdate()
    obligations = plan.reporting_obligations.select_related("via_agency").prefetch_related("reporters")
    return [
        Deadline(obligation, (obligation.due_date - today).days if obligation.due_date else None)
        for obligation in obligations.order_by("order")
    ]


def responsibilities(plan: Plan):
    return (
        AgencyResponsibility.objects.filter(plan=plan)
        .select_related("agency__province")
        .prefetch_related(Prefetch("duties", queryset=Duty.objects.prefetch_related("led_projects").order_by("order")))
        .order_by("order")
    )


def policy_tasks(plan: Plan):
    return (
        PolicyTask.objects.filter(plan=plan)
        .select_related("lead_agency__province")
        .prefetch_related("coordinating_agencies__province")
        .order_by("order")
    )


def plan_indicators(plan: Plan):
    return (
        PlanIndicator.objects.filter(plan=plan)
        .select_related("indicator__dimension", "lead_agency__province", "appendix", "section")
        .prefetch_related(
            "coordinating_agencies__province",
            Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "kind")),
        )
        .order_by("order")
    )


@dataclass
class IndicatorRow:
    plan_indicator: PlanIndicator
    cells: list  # per year of the table: the IndicatorValue or None

    @property
    def indicator(self):
        return self.plan_indicator.indicator


@dataclass
class IndicatorGroup:
    dimension: Dimension
    rows: list[IndicatorRow]


@dataclass
class IndicatorTable:
    years: list[tuple[int, str]]  # (year, kind) column keys in order: baselines first, then targets
    groups: list[IndicatorGroup]


def indicator_table(plan: Plan) -> IndicatorTable:
    """A plan's indicator values by dimension, one column per (year, kind) that any value uses."""
    plan_indicator_list = list(plan_indicators(plan))
    keys = sorted(
        {(value.year, value.kind) for pi in plan_indicator_list for value in pi.values.all()},
        key=lambda key: (key[0], key[1] != ValueKind.BASELINE, key[1]),
    )
    groups: dict[int, IndicatorGroup] = {}
    for pi in sorted(plan_indicator_list, key=lambda pi: (pi.indicator.dimension.order, pi.order)):
        by_key = {(value.year, value.kind): value for value in pi.values.all()}
        group = groups.setdefault(pi.indicator.dimension_id, IndicatorGroup(pi.indicator.dimension, []))
        group.rows.append(IndicatorRow(pi, [by_key.get(key) for key in keys]))
    return IndicatorTable(years=keys, groups=list(groups.values()))


def household_appendices(plan: Plan) -> list[Appendix]:
    return list(plan.appendices.filter(kind=AppendixKind.HOUSEHOLD_FIGURES).order_by("order"))


def plan_appendix_tables(plan: Plan) -> list:
    """The plan's household tables for showing them (cells only: no figure objects)."""
    return [household_table(appendix, with_figures=False) for appendix in household_appendices(plan)]


# --- localities ---------------------------------------------------------------------------------------


@dataclass
class FigureLine:
    figure: HouseholdFigure
    poor_change: int | None = None  # against the previous line of the same plan
    rate_change: object = None


def locality_figures(locality: Locality, user) -> list[FigureLine]:
    """Every figure of the locality across the plans the user may read, with the change from the year before."""
    figures = (
        HouseholdFigure.objects.filter(locality=locality, plan__in=visible_plans(user))
        .select_related("plan__province")
        .order_by("plan__first_year", "plan__slug", "year", "kind")
    )
    lines: list[FigureLine] = []
    previous: dict[int, HouseholdFigure] = {}
    for figure in figures:
        line = FigureLine(figure)
        before = previous.get(figure.plan_id)
        if before is not None and before.year < figure.year:
            if before.poor_households is not None and figure.poor_households is not None:
                line.poor_change = figure.poor_households - before.poor_households
            if before.poverty_rate is not None and figure.poverty_rate is not None:
                line.rate_change = figure.poverty_rate - before.poverty_rate
        previous[figure.plan_id] = figure
        lines.append(line)
    return lines


# --- agencies -----------------------------------------------------------------------------------------


@dataclass
class AgencyOverview:
    agency: Agency
    led_indicators: list = field(default_factory=list)
    coordinated_indicators: list = field(default_factory=list)
    led_tasks: list = field(default_factory=list)
    coordinated_tasks: list = field(default_factory=list)
    responsibilities: list = field(default_factory=list)
    led_sections: list = field(default_factory=list)
    reports_due: list = field(default_factory=list)
    reports_compiled: list = field(default_factory=list)


def agency_overview(agency: Agency, user) -> AgencyOverview:
    plans = visible_plans(user)
    indicator_qs = (
        PlanIndicator.objects.filter(plan__in=plans)
        .select_related("plan", "indicator")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "kind")))
    )
    task_qs = PolicyTask.objects.filter(plan__in=plans).select_related("plan", "lead_agency")
    today = timezone.localdate()
    return AgencyOverview(
        agency=agency,
        led_indicators=list(indicator_qs.filter(lead_agency=agency).order_by("plan__slug", "order")),
        coordinated_indicators=list(indicator_qs.filter(coordinating_agencies=agency).order_by("plan__slug", "order")),
        led_tasks=list(task_qs.filter(lead_agency=agency).order_by("plan__slug", "order")),
        coordinated_tasks=list(task_qs.filter(coordinating_agencies=agency).order_by("plan__slug", "order")),
        responsibilities=list(
            AgencyResponsibility.objects.filter(agency=agency, plan__in=plans)
            .select_related("plan")
            .prefetch_related(
                Prefetch("duties", queryset=Duty.objects.prefetch_related("led_projects").order_by("order"))
            )
            .order_by("plan__slug")
        ),
        led_sections=list(
            agency.led_sections.filter(plan__in=plans).select_related("plan").order_by("plan__slug", "order")
        ),
        reports_due=[
            Deadline(o, (o.due_date - today).days if o.due_date else None)
            for o in agency.reporting_obligations.filter(plan__in=plans).select_related("plan").order_by("due_date")
        ],
        reports_compiled=[
            Deadline(o, (o.due_date - today).days if o.due_date else None)
            for o in agency.compiled_reports.filter(plan__in=plans).select_related("plan").order_by("due_date")
        ],
    )


def figures_by_year(lines: list[FigureLine]) -> dict[str, dict[int, object]]:
    """Series for the trajectory chart: results and targets (latest plan wins for a year)."""
    series: dict[str, dict[int, object]] = defaultdict(dict)
    for line in lines:
        if line.figure.poverty_rate is not None:
            series[line.figure.kind][line.figure.year] = line.figure.poverty_rate
    return series

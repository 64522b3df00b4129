"""Reads shaped for the report pages (home, plan text, locality, agency). Each runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils import timezone

from analysis.deadlines import Deadline, deadlines_of
from indicators.models import IndicatorValue, PlanIndicator
from kernel.text import search_key
from localities.models import Locality
from plans.models import (
    Agency,
    AgencyResponsibility,
    Duty,
    HouseholdFigure,
    Plan,
    PlanSection,
    PolicyTask,
)
from workflow.permissions import visible_plans

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


@dataclass
class SectionNode:
    section: PlanSection
    children: list["SectionNode"] = field(default_factory=list)


def section_tree(plan: Plan) -> list[SectionNode]:
    """The plan's numbered text as a tree, from one query (sections are stored in document order)."""
    nodes: dict[int, SectionNode] = {}
    roots: list[SectionNode] = []
    for section in plan.sections.order_by("order"):
        node = SectionNode(section)
        nodes[section.pk] = node
        if section.parent_id and section.parent_id in nodes:
            nodes[section.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


class PlanText:
    """The plan's text as its page shows it — sections, each agency's duties, recipients, policy tasks — read on
    first use only: the page keeps its rendering of the text in a cache under the plan's `text_revision`, so these
    reads happen only when the text has changed (or on a new day: the reporting deadlines count days)."""

    def __init__(self, plan: Plan, deadlines: list["Deadline"]):
        self.plan = plan
        self.deadlines = deadlines

    @cached_property
    def sections(self) -> list["SectionNode"]:
        return section_tree(self.plan)

    @cached_property
    def reporting_after_sections(self) -> bool:
        # A plan without a reporting heading (Hưng Yên's) states its reporting duty after the sections.
        return bool(self.deadlines) and not any(node.section.kind == "reporting" for node in self.sections)

    @cached_property
    def responsibilities(self) -> list[AgencyResponsibility]:
        return list(responsibilities(self.plan))

    @cached_property
    def recipients(self):
        return list(self.plan.recipients.order_by("order"))

    @cached_property
    def policy_tasks(self) -> list[PolicyTask]:
        return list(policy_tasks(self.plan))


def responsibilities(plan: Plan):
    return (
        AgencyResponsibility.objects.filter(plan=plan)
        .select_related("agency__province")
        .prefetch_related(Prefetch("duties", queryset=Duty.objects.prefetch_related("led_projects").order_by("order")))
        .order_by("order")
    )


def policy_tasks(plan: Plan):
    return PolicyTask.objects.filter(plan=plan).select_related("lead_agency__province").order_by("order")


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
        reports_due=deadlines_of(
            agency.reporting_obligations.filter(plan__in=plans).select_related("plan").order_by("due_date"), today
        ),
        reports_compiled=deadlines_of(
            agency.compiled_reports.filter(plan__in=plans).select_related("plan").order_by("due_date"), today
        ),
    )


def figures_by_year(lines: list[FigureLine]) -> dict[str, dict[int, object]]:
    """Series for the trajectory chart: results and targets (latest plan wins for a year)."""
    series: dict[str, dict[int, object]] = defaultdict(dict)
    for line in lines:
        if line.figure.poverty_rate is not None:
            series[line.figure.kind][line.figure.year] = line.figure.poverty_rate
    return series

"""Reads shaped for the report pages (home, plan text, locality, agency). Each runs a fixed number of queries."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils import timezone

from analysis.deadlines import Deadline, deadlines_of
from analysis.lineage import Series
from indicators.models import IndicatorValue, PlanIndicator
from kernel.text import search_key
from localities.lineage import Lineage, names
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
from reports.plan_text import TextParts, read_plan_text
from workflow.permissions import visible_plans

# --- plans -------------------------------------------------------------------------------------------


def plan_list(user, search: str = "") -> list[tuple[Locality, list[Plan]]]:
    """The plans the user may read, grouped by today's province (newest period first), optionally searched.

    A plan of a province that has since been merged or upgraded (Thừa Thiên Huế, the old Hưng Yên) is listed under
    the province that succeeded it today, so that an official finds the plans their baselines come from; the plan
    keeps its own province, which the page shows beside it."""
    plans = list(
        visible_plans(user).select_related("province", "follows").order_by("-first_year", "province__name", "slug")
    )
    today = today_provinces({plan.province for plan in plans})
    wanted = search_key(search)
    grouped: dict[Locality, list[Plan]] = {}
    for plan in plans:
        current = today.get(plan.province_id, plan.province)
        # Matched here, not with icontains: SQLite folds the case of ASCII letters only (“HƯNG YÊN” would not
        # find “Hưng Yên”), and officials often type without diacritics (“hung yen”). The list is one row per
        # plan the user may read, loaded whole for the page anyway.
        if wanted and not any(
            wanted in search_key(text)
            for text in (plan.title, plan.number, plan.province.name, current.name, plan.slug)
        ):
            continue
        grouped.setdefault(current, []).append(plan)
    return sorted(grouped.items(), key=lambda item: search_key(item[0].name))


def today_provinces(provinces) -> dict[int, Locality]:
    """Each province → the province-level unit that holds it today (itself while it is in force; else where its
    successions lead: the largest share). A fixed number of queries: the province-level successions, their units."""
    day = timezone.localdate()
    ended = {p.pk: p for p in provinces if not p.is_valid_on(day)}
    if not ended:
        return {}
    lineage = Lineage.around(ended)
    units = names({edge.successor_id for edge in lineage.edges} | {edge.predecessor_id for edge in lineage.edges})
    result = {}
    for province_id in ended:
        reached, _complete = lineage.onto(
            province_id, lambda pk: pk in units and units[pk].level == 1 and units[pk].is_valid_on(day)
        )
        if reached:
            result[province_id] = units[max(reached, key=lambda pk: (reached[pk] or 0, -pk))]
    return result


@dataclass
class SectionNode:
    section: PlanSection
    children: list["SectionNode"] = field(default_factory=list)


def section_tree(plan: Plan, sections: list[PlanSection] | None = None) -> list[SectionNode]:
    """The plan's numbered text as a tree, from one query (sections are stored in document order), or from the
    plan's `sections` in that order when the caller has read them."""
    nodes: dict[int, SectionNode] = {}
    roots: list[SectionNode] = []
    for section in sections if sections is not None else plan.sections.order_by("order"):
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
    def _parts(self) -> TextParts:
        return read_plan_text(self.plan)  # every part of the text in one query (reports/plan_text.py)

    @cached_property
    def sections(self) -> list["SectionNode"]:
        return section_tree(self.plan, self._parts.sections)

    @cached_property
    def reporting_after_sections(self) -> bool:
        # A plan without a reporting heading (Hưng Yên's) states its reporting duty after the sections.
        return bool(self.deadlines) and not any(node.section.kind == "reporting" for node in self.sections)

    @cached_property
    def responsibilities(self) -> list[AgencyResponsibility]:
        return self._parts.responsibilities

    @cached_property
    def legal_bases(self):
        return list(self.plan.legal_bases.order_by("order"))

    @cached_property
    def recipients(self):
        return self._parts.recipients

    @cached_property
    def policy_tasks(self) -> list[PolicyTask]:
        return self._parts.policy_tasks


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
        # Across a change of poverty standard the change is not computed: it would compare different measures.
        if before is not None and before.year < figure.year and before.standard_id == figure.standard_id:
            if before.poor_households is not None and figure.poor_households is not None:
                line.poor_change = figure.poor_households - before.poor_households
            if before.poverty_rate is not None and figure.poverty_rate is not None:
                line.rate_change = figure.poverty_rate - before.poverty_rate
        previous[figure.plan_id] = figure
        lines.append(line)
    return lines


def locality_series(locality: Locality, user) -> list:
    """The unit's figures across the reform, its predecessors' carried onto it (analysis.lineage), from the plans
    the user may read."""
    return Series(locality, plans=visible_plans(user)).points()


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
    successions: list = field(default_factory=list)  # the agencies that took over its duties
    predecessions: list = field(default_factory=list)


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
        successions=list(agency.agency_successions.select_related("successor__province")),
        predecessions=list(agency.agency_predecessions.select_related("predecessor__province")),
    )

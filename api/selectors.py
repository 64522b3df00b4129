"""The API's reads, shaped as its schemas (api/schemas.py) expect: plain dicts, a fixed number of queries each.

What a caller may read is decided by `workflow.permissions` (the same rule as the pages): plans through
`visible_plans` / `Checker.can_view`, figures only from the plans the caller may read. Localities and agencies
are public, as on the site.
"""

import datetime
import re
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from analysis.deadlines import deadlines_of
from analysis.lineage import Series
from analysis.quality import check_appendices
from indicators.models import Direction, Indicator, IndicatorValue, PlanIndicator, Qualifier, Unit, ValueKind
from kernel.numbers import compute_rate
from kernel.text import search_key
from localities.lineage import edge_share
from localities.models import Level, Locality, LocalityKind, LocalitySuccession, SuccessionKind
from plan_tables.selectors import plan_tables
from plans.models import (
    Agency,
    AgencyKind,
    AgencyResponsibility,
    AgencySuccession,
    Appendix,
    AppendixKind,
    AppendixRow,
    FigureKind,
    HouseholdFigure,
    Plan,
    PlanStatus,
    PolicyTask,
    ReportingFrequency,
    SectionKind,
)
from plans.models.documents import MAX_YEAR, MIN_YEAR
from plans.models.standards import standard_label, standard_periods
from workflow.permissions import Checker, visible_plans

from .pagination import Key, Page, keyset_page, list_page
from .problems import ParameterError

BASE = "/api/v1"
# How far back `province=` follows successions (Thái Bình → Hưng Yên is one step; a chain of renames a few).
MAX_LINEAGE_STEPS = 5


def standard_labels() -> dict[str, str]:
    """Code → label of every poverty standard (plans.models.standards: one read, cached per process)."""
    return {code: standard_label(code) for code in standard_periods()}


def labels(choices) -> dict[str, str]:
    """Value → label of a set of choices, in the active language (once per request, not per row)."""
    return {value: str(label) for value, label in choices.choices}


def number(value) -> float | int | None:
    """A stored figure as a JSON number: counts stay integers, decimals become the nearest float (2,27 → 2.27)."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


# --- references -----------------------------------------------------------------------------------------------


def locality_ref(slug, code, name, kind, level) -> dict:
    return {"slug": slug, "code": code, "name": name, "kind": kind, "level": level, "url": f"{BASE}/localities/{slug}"}


def locality_ref_of(unit: Locality) -> dict:
    return locality_ref(unit.slug, unit.code, unit.name, unit.kind, unit.level)


def agency_ref(agency: Agency | None, province_slug: str | None = None) -> dict | None:
    if agency is None:
        return None
    province = province_slug or agency.province.slug
    return {
        "province": province,
        "slug": agency.slug,
        "name": agency.name,
        "short_name": agency.short_name,
        "url": f"{BASE}/agencies/{province}/{agency.slug}",
    }


def plan_ref(plan: Plan) -> dict:
    return {"slug": plan.slug, "reference": plan.reference, "title": plan.title, "url": f"{BASE}/plans/{plan.slug}"}


# --- plans ------------------------------------------------------------------------------------------------------


def parse_period(text: str) -> tuple[int, int]:
    """“2024” or “2021-2025” → (first, last) years."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–/]\s*(\d{4})\s*)?", text or "")
    if not match:
        raise ParameterError("period", _("Write the period as a year (2024) or two years (2021-2025)."))
    first, last = int(match[1]), int(match[2] or match[1])
    if not MIN_YEAR <= first <= last <= MAX_YEAR:
        raise ParameterError(
            "period",
            _("The period must run forwards, between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
    return first, last


def unit_and_predecessors(slug: str) -> set[int]:
    """The unit and every unit it took over, step by step (one query per step): today's province's history."""
    start = Locality.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if start is None:
        return set()
    found, frontier = {start}, {start}
    for _step in range(MAX_LINEAGE_STEPS):
        frontier = (
            set(LocalitySuccession.objects.filter(successor__in=frontier).values_list("predecessor_id", flat=True))
            - found
        )
        if not frontier:
            break
        found |= frontier
    return found


def plan_summary(plan: Plan, status_labels: dict) -> dict:
    return {
        "slug": plan.slug,
        "reference": plan.reference,
        "document_type": plan.document_type,
        "number": plan.number,
        "symbol": plan.symbol,
        "title": plan.title,
        "status": plan.status,
        "status_label": status_labels.get(plan.status, plan.status),
        "issue_date": plan.issue_date,
        "province": locality_ref_of(plan.province),
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "orientation_year": plan.orientation_year,
        "is_public": plan.is_public,
        "url": f"{BASE}/plans/{plan.slug}",
        "html_url": reverse("reports:plan", args=[plan.slug]),
    }


PLAN_KEYS = (Key("slug"),)


def plan_page(
    user,
    *,
    province: str = "",
    historical_province: str = "",
    period: str = "",
    status: str = "",
    search: str = "",
    cursor: str | None = None,
    limit: int,
) -> Page:
    plans = visible_plans(user).select_related("province")
    if historical_province:
        plans = plans.filter(province__slug=historical_province)
    if province:
        plans = plans.filter(province__in=unit_and_predecessors(province))
    if period:
        first, last = parse_period(period)
        plans = plans.filter(first_year__lte=last, last_year__gte=first)
    if status:
        plans = plans.filter(status=status)
    if search:
        # Matched in Python, as the site's search does (kernel.text.search_key): without diacritics and case, which
        # SQLite cannot do. The list is one row per plan the caller may read.
        wanted = search_key(search)
        matching = [
            plan
            for plan in plans.order_by("slug")
            if any(wanted in search_key(text) for text in (plan.title, plan.number, plan.province.name, plan.slug))
        ]
        page = list_page(matching, PLAN_KEYS, cursor, limit, lambda plan: [plan.slug])
    else:
        page = keyset_page(plans, PLAN_KEYS, cursor, limit, lambda plan: [plan.slug])
    status_labels = labels(PlanStatus)
    page.items = [plan_summary(plan, status_labels) for plan in page.items]
    return page


def readable_plan(user, slug: str) -> Plan:
    """The plan, or 404 also when it exists but the caller may not read it (as the pages do)."""
    plan = Plan.objects.select_related("province").filter(slug=slug).first()
    if plan is None or not Checker(user, plan).can_view():
        raise Http404
    return plan


def plan_detail(user, slug: str, today: datetime.date | None = None) -> dict:
    """Six queries: the plan, its legal bases, headings, duties, reporting and appendices."""
    plan = readable_plan(user, slug)
    detail = plan_summary(plan, labels(PlanStatus))
    section_kinds = labels(SectionKind)
    depth: dict[int, int] = {}
    sections = []
    for pk, parent_id, number_, heading, kind in plan.sections.order_by("order", "pk").values_list(
        "pk", "parent_id", "number", "heading", "kind"
    ):
        depth[pk] = depth.get(parent_id, -1) + 1 if parent_id else 0
        if heading:
            sections.append(
                {
                    "number": number_,
                    "heading": heading,
                    "kind": kind,
                    "kind_label": section_kinds.get(kind, kind),
                    "depth": depth[pk],
                }
            )
    frequencies = labels(ReportingFrequency)
    obligations = plan.reporting_obligations.select_related("via_agency__province").order_by("order", "pk")
    detail.update(
        {
            "date_as_written": plan.date_as_written,
            "place": plan.place,
            "issuer": plan.issuer,
            "signing_capacity": [line.strip() for line in plan.signing_capacity.splitlines() if line.strip()],
            "signer_title": plan.signer_title,
            "signer_name": plan.signer_name,
            "legal_bases": list(
                plan.legal_bases.order_by("order", "pk").values(
                    "document_type", "number", "issue_date", "issuer", "summary"
                )
            ),
            "sections": sections,
            "responsibilities": _responsibilities(plan),
            "reporting": [
                {
                    "number": deadline.obligation.number,
                    "text": deadline.obligation.text,
                    "reporters_as_written": deadline.obligation.reporters_as_written,
                    "recipient_as_written": deadline.obligation.recipient_as_written,
                    "via_agency": agency_ref(deadline.obligation.via_agency),
                    "subject": deadline.obligation.subject,
                    "frequency": deadline.obligation.frequency,
                    "frequency_label": frequencies.get(deadline.obligation.frequency, deadline.obligation.frequency),
                    "due_date": deadline.obligation.due_date,
                    "reported_on": deadline.obligation.reported_on,
                    "state": str(deadline.state),
                    "days_left": deadline.days_left,
                }
                for deadline in deadlines_of(obligations, today or timezone.localdate())
            ],
            "appendices": [appendix_ref(plan.slug, appendix) for appendix in plan.appendices.order_by("order", "code")],
            **_plan_chain(user, plan),
        }
    )
    return detail


def _plan_chain(user, plan: Plan) -> dict:
    """The plan it follows and the plans that follow it (`Plan.follows`), those the caller may read: one query. A
    plan the caller may not read is left out, as on the site: its existence is not revealed."""
    related = visible_plans(user).filter(Q(pk=plan.follows_id) | Q(follows=plan)).order_by("first_year", "slug")
    follows, followed_by = None, []
    for other in related:
        if other.pk == plan.follows_id:
            follows = plan_ref(other)
        else:
            followed_by.append(plan_ref(other))
    return {"follows": follows, "followed_by": followed_by}


def _responsibilities(plan: Plan) -> list[dict]:
    """Each agency's duties in one query: the responsibilities joined to their duties (none for some)."""
    rows = (
        AgencyResponsibility.objects.filter(plan=plan)
        .order_by("order", "pk", "duties__order", "duties__pk")
        .values_list(
            "pk",
            "number",
            "heading",
            "agency__slug",
            "agency__name",
            "agency__short_name",
            "agency__province__slug",
            "duties__marker",
            "duties__text",
        )
    )
    result: dict[int, dict] = {}
    for pk, number_, heading, slug, name, short_name, province, marker, text in rows:
        item = result.get(pk)
        if item is None:
            item = result[pk] = {
                "number": number_,
                "heading": heading,
                "agency": {
                    "province": province,
                    "slug": slug,
                    "name": name,
                    "short_name": short_name,
                    "url": f"{BASE}/agencies/{province}/{slug}",
                },
                "duties": [],
            }
        if text is not None:
            item["duties"].append({"marker": marker, "text": text})
    return list(result.values())


def appendix_ref(plan_slug: str, appendix: Appendix) -> dict:
    return {
        "code": appendix.code,
        "kind": appendix.kind,
        "kind_label": str(AppendixKind(appendix.kind).label) if appendix.kind in AppendixKind.values else "",
        "heading": appendix.heading,
        "url": f"{BASE}/plans/{plan_slug}/appendices/{appendix.code}",
    }


# --- appendix tables ---------------------------------------------------------------------------------------------


def readable_appendix(user, slug: str, code: str) -> tuple[Plan, Appendix]:
    plan = readable_plan(user, slug)
    appendix = Appendix.objects.filter(plan=plan, code=code).first()
    if appendix is None:
        raise Http404
    appendix.plan = plan
    return plan, appendix


def appendix_detail(user, slug: str, code: str) -> dict:
    """The appendix with its columns, published and computed totals, standards and data-quality findings."""
    plan, appendix = readable_appendix(user, slug, code)
    tables = plan_tables(plan, [appendix])
    figure_kinds = labels(FigureKind)
    standards = standard_labels()
    detail = {
        **appendix_ref(plan.slug, appendix),
        "title_lines": appendix.title_lines,
        "note": appendix.note,
        "plan": plan_ref(plan),
        "columns": [],
        "standards": [],
        "row_count": 0,
        "rows_url": None,
        "indicators_url": None,
        "total": None,
        "findings": [
            {
                "rule": finding.rule,
                "row": finding.row,
                "column": finding.column,
                "published": number(finding.published),
                "computed": number(finding.computed),
                "difference": number(finding.difference),
                "message": finding.message,
            }
            for finding in check_appendices(tables)
        ],
    }
    table = tables.household.get(appendix.pk)
    if table is not None:
        detail["columns"] = [
            {
                "key": column.key,
                "header": column.header,
                "group": column.group,
                "year": column.year,
                "kind": column.kind,
                "kind_label": figure_kinds.get(column.kind, column.kind),
                "field": column.field,
            }
            for column in table.columns
        ]
        used = sorted({figure.standard_id for row in table.published_order for figure in row.figures.values()})
        detail["standards"] = [{"code": code, "label": standards.get(code, code)} for code in used]
        detail["row_count"] = len(table.published_order)
        detail["rows_url"] = f"{BASE}/plans/{plan.slug}/appendices/{appendix.code}/rows"
        keys = [column.key for column in table.columns]
        detail["total"] = {
            "label": table.total.label if table.total is not None else "",
            "published": dict(
                zip(keys, (number(v) for v in (table.total.cells if table.total else [None] * len(keys))), strict=True)
            ),
            "computed": dict(zip(keys, (number(v) for v in table.computed_total), strict=True)),
            "differs": [key for key, differs in zip(keys, table.total_differs, strict=True) if differs],
        }
    elif appendix.kind == AppendixKind.INDICATOR_TARGETS:
        detail["indicators_url"] = f"{BASE}/plans/{plan.slug}/indicators?appendix={appendix.code}"
        detail["row_count"] = len(tables.indicators)
    return detail


ROW_KEYS = (Key("order", int), Key("pk", int))
_ROW_FIELDS = (
    "pk",
    "order",
    "number",
    "label",
    "is_total",
    "locality_id",
    "locality__slug",
    "locality__code",
    "locality__name",
    "locality__kind",
    "locality__level",
)
_FIGURE_FIELDS = (
    "locality_id",
    "year",
    "kind",
    "standard",
    "households",
    "poor_households",
    "near_poor_households",
    "planned_reduction",
    "published_rate",
)


def appendix_rows_page(user, slug: str, code: str, *, cursor: str | None, limit: int) -> Page:
    """A page of a household appendix's rows in published order, each with its figures as numbers.

    Not `household_table`: that reads the whole table (what the totals and the check need); a page reads only its
    own rows and their figures — two queries, whatever the table's size and the page's place in it.
    """
    plan, appendix = readable_appendix(user, slug, code)
    if appendix.kind != AppendixKind.HOUSEHOLD_FIGURES:
        raise Http404
    wanted = sorted({(column["year"], column["kind"]) for column in appendix.columns})
    page = keyset_page(
        AppendixRow.objects.filter(appendix=appendix).values_list(*_ROW_FIELDS),
        ROW_KEYS,
        cursor,
        limit,
        lambda row: [row[1], row[0]],
    )
    figure_kinds = labels(FigureKind)
    figures: dict[int, list] = defaultdict(list)
    if page.items and wanted:
        wanted_set = set(wanted)
        # The page's units by the page's range of rows (a subquery), not by a list of ids: one short statement
        # whatever the page's size.
        page_units = AppendixRow.objects.filter(appendix=appendix).filter(page.within).values("locality_id")
        for values in (
            HouseholdFigure.objects.filter(plan_id=plan.pk, locality_id__in=page_units)
            .order_by()
            .values_list(*_FIGURE_FIELDS)
        ):
            locality_id, year, kind, standard, households, poor, near_poor, reduction, rate = values
            if (year, kind) not in wanted_set:
                continue
            figures[locality_id].append(
                {
                    "year": year,
                    "kind": kind,
                    "kind_label": figure_kinds[kind],
                    "standard": standard,
                    "households": households,
                    "poor_households": poor,
                    "near_poor_households": near_poor,
                    "planned_reduction": reduction,
                    "published_rate": None if rate is None else float(rate),
                    "computed_rate": _float_rate(poor, households),
                }
            )
    order = {key: index for index, key in enumerate(wanted)}
    page.items = [
        {
            "number": number_,
            "label": label,
            "is_total": is_total,
            "locality": locality_ref(slug_, code_, name, kind, level),
            "figures": sorted(figures[locality_id], key=lambda figure: order[figure["year"], figure["kind"]]),
        }
        for _pk, _order, number_, label, is_total, locality_id, slug_, code_, name, kind, level in page.items
    ]
    return page


def _float_rate(poor, households) -> float | None:
    rate = compute_rate(poor, households)
    return None if rate is None else float(rate)


# --- indicators ----------------------------------------------------------------------------------------------------


class IndicatorLabels:
    def __init__(self):
        self.units = labels(Unit)
        self.directions = labels(Direction)
        self.kinds = labels(ValueKind)
        self.qualifiers = labels(Qualifier)


def plan_indicator_item(pi: PlanIndicator, plan_slug: str, words: IndicatorLabels) -> dict:
    indicator = pi.indicator
    return {
        "plan": plan_slug,
        "code": indicator.code,
        "name": indicator.name,
        "number": pi.number,
        "text": pi.text,
        "group_heading": pi.group_heading,
        "dimension": {"code": indicator.dimension.code, "name": indicator.dimension.name},
        "unit": indicator.unit,
        "unit_label": words.units.get(indicator.unit, indicator.unit),
        "direction": indicator.direction,
        "direction_label": words.directions.get(indicator.direction, indicator.direction),
        "appendix": pi.appendix.code if pi.appendix_id else None,
        "lead_agency": agency_ref(pi.lead_agency),
        "coordinating_agencies": [agency_ref(agency) for agency in pi.coordinating_agencies.all()],
        "responsible_as_written": pi.responsible_as_written,
        "values": [
            {
                "year": value.year,
                "kind": value.kind,
                "kind_label": words.kinds.get(value.kind, value.kind),
                "value": number(value.value),
                "qualifier": value.qualifier,
                "qualifier_label": words.qualifiers.get(value.qualifier, value.qualifier),
                "value_as_written": value.value_as_written,
                "source": value.source,
                "source_date": value.source_date,
            }
            for value in pi.values.all()
        ],
        "url": f"{BASE}/plans/{plan_slug}/indicators/{indicator.code}",
    }


def _plan_indicators():
    from django.db.models import Prefetch

    return PlanIndicator.objects.select_related(
        "plan", "indicator__dimension", "lead_agency__province", "appendix"
    ).prefetch_related(
        Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "kind")),
        Prefetch("coordinating_agencies", queryset=Agency.objects.select_related("province").order_by("name")),
    )


DEFINITION_KEYS = (Key("code"),)


def indicator_definition_page(*, dimension: str = "", search: str = "", cursor: str | None, limit: int) -> Page:
    """The indicators defined (code, name, dimension, unit, direction), by code: what a plan's indicators refer to.
    Public, as the site's catalogue is; `search` in names and codes, accents and case aside. One query."""
    definitions = Indicator.objects.select_related("dimension")
    if dimension:
        definitions = definitions.filter(dimension__code=dimension)
    key_of = lambda indicator: [indicator.code]  # noqa: E731
    if search:
        wanted = search_key(search)
        matching = [i for i in definitions if wanted in search_key(i.name) or wanted in search_key(i.code)]
        page = list_page(sorted(matching, key=key_of), DEFINITION_KEYS, cursor, limit, key_of)
    else:
        page = keyset_page(definitions, DEFINITION_KEYS, cursor, limit, key_of)
    units, directions = labels(Unit), labels(Direction)
    page.items = [
        {
            "code": indicator.code,
            "name": indicator.name,
            "dimension": {"code": indicator.dimension.code, "name": indicator.dimension.name},
            "unit": indicator.unit,
            "unit_label": units.get(indicator.unit, indicator.unit),
            "direction": indicator.direction,
            "direction_label": directions.get(indicator.direction, indicator.direction),
        }
        for indicator in page.items
    ]
    return page


INDICATOR_KEYS = (Key("order", int), Key("pk", int))
AGENCY_INDICATOR_KEYS = (Key("plan__slug"), Key("order", int), Key("pk", int))


def plan_indicator_page(
    user, slug: str, *, dimension: str = "", appendix: str = "", cursor: str | None, limit: int
) -> Page:
    plan = readable_plan(user, slug)
    indicators = _plan_indicators().filter(plan=plan)
    if dimension:
        indicators = indicators.filter(indicator__dimension__code=dimension)
    if appendix:
        indicators = indicators.filter(appendix__code=appendix)
    page = keyset_page(indicators, INDICATOR_KEYS, cursor, limit, lambda pi: [pi.order, pi.pk])
    words = IndicatorLabels()
    page.items = [plan_indicator_item(pi, plan.slug, words) for pi in page.items]
    return page


def plan_indicator_detail(user, slug: str, code: str) -> dict:
    plan = readable_plan(user, slug)
    pi = _plan_indicators().filter(plan=plan, indicator__code=code).first()
    if pi is None:
        raise Http404
    return plan_indicator_item(pi, plan.slug, IndicatorLabels())


def agency_indicator_page(user, province: str, slug: str, *, role: str, cursor: str | None, limit: int) -> Page:
    """The indicators an agency leads (or coordinates) in the plans the caller may read."""
    agency = readable_agency(province, slug)
    indicators = _plan_indicators().filter(plan__in=visible_plans(user))
    if role == "coordinating":
        indicators = indicators.filter(coordinating_agencies=agency)
    else:
        indicators = indicators.filter(lead_agency=agency)
    page = keyset_page(indicators, AGENCY_INDICATOR_KEYS, cursor, limit, lambda pi: [pi.plan.slug, pi.order, pi.pk])
    words = IndicatorLabels()
    page.items = [plan_indicator_item(pi, pi.plan.slug, words) for pi in page.items]
    return page


# --- localities ----------------------------------------------------------------------------------------------------


LOCALITY_KEYS = (Key("level", int), Key("slug"))
_LOCALITY_FIELDS = ("slug", "code", "name", "kind", "level", "parent__slug", "valid_from", "valid_to")


def in_force(on: datetime.date) -> Q:
    """Units in force on a day: begun on or before it (or since an unknown date) and not ended before it."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _locality_item(values, kinds: dict, levels: dict) -> dict:
    slug, code, name, kind, level, parent, valid_from, valid_to = values
    return {
        "slug": slug,
        "code": code,
        "name": name,
        "kind": kind,
        "kind_label": kinds.get(kind, kind),
        "level": level,
        "level_label": levels.get(level, str(level)),
        "parent": parent,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "url": f"{BASE}/localities/{slug}",
    }


def locality_page(
    *,
    on: datetime.date | None,
    parent: str = "",
    level: int | None = None,
    search: str = "",
    cursor: str | None,
    limit: int,
) -> Page:
    """The tree in force on a day, as a flat list, provinces first (each unit names its parent); `search` keeps the
    units whose name, slug or code contains it, accents and case aside (kernel.text.search_key, as the site's
    searches do). The search reads the day's units once (slug, code, name: a national day is about 10.000) and
    compares in Python: one query, bounded by the day's tree."""
    units = Locality.objects.filter(in_force(on or timezone.localdate()))
    if parent:
        units = units.filter(parent__slug=parent)
    if level is not None:
        units = units.filter(level=level)
    key_of = lambda v: [v[4], v[0]]  # noqa: E731
    rows = units.values_list(*_LOCALITY_FIELDS)
    if search:
        wanted = search_key(search)
        matching = [
            values
            for values in rows.order_by("level", "slug")
            if any(wanted in search_key(text) for text in (values[2], values[0], values[1]))
        ]
        matching.sort(key=key_of)  # the cursor compares in Python: so does the order (a database collation may not)
        page = list_page(matching, LOCALITY_KEYS, cursor, limit, key_of)
    else:
        page = keyset_page(rows, LOCALITY_KEYS, cursor, limit, key_of)
    kinds, levels = labels(LocalityKind), labels(Level)
    page.items = [_locality_item(values, kinds, levels) for values in page.items]
    return page


def locality_detail(user, slug: str) -> dict:
    unit = Locality.objects.filter(slug=slug).values_list(*_LOCALITY_FIELDS, "pk", "note").first()
    if unit is None:
        raise Http404
    pk, note = unit[-2], unit[-1]
    item = _locality_item(unit[:-2], labels(LocalityKind), labels(Level))
    # What analysis.lineage.Series reads of a unit; built from the row above rather than read again.
    instance = Locality(pk=pk, slug=unit[0], code=unit[1], name=unit[2], kind=unit[3], level=unit[4])
    instance.valid_from, instance.valid_to = unit[6], unit[7]
    succession_kinds = labels(SuccessionKind)
    predecessors, successors = [], []
    for succession in LocalitySuccession.objects.filter(Q(predecessor_id=pk) | Q(successor_id=pk)).select_related(
        "predecessor", "successor"
    ):
        other = succession.successor if succession.predecessor_id == pk else succession.predecessor
        entry = {
            "unit": locality_ref_of(other),
            "kind": succession.kind,
            "kind_label": succession_kinds.get(succession.kind, succession.kind),
            "effective_date": succession.effective_date,
            "legal_basis": succession.legal_basis,
            "share_percent": _percent(edge_share(succession.kind, succession.share_percent)),
        }
        (successors if succession.predecessor_id == pk else predecessors).append(entry)
    item.update(
        {
            "note": note,
            "children_url": f"{BASE}/localities?parent={slug}",
            "predecessors": predecessors,
            "successors": successors,
            "series": locality_series(user, instance, bool(predecessors)),
        }
    )
    return item


_SERIES_FIELDS = (
    "locality_id",
    "year",
    "kind",
    "plan__slug",
    "standard",
    "households",
    "poor_households",
    "near_poor_households",
    "published_rate",
)


def _series_points(user, locality_ids) -> list[tuple]:
    return list(
        HouseholdFigure.objects.filter(locality_id__in=locality_ids, plan__in=visible_plans(user))
        .order_by("year", "kind", "plan__first_year", "plan__slug")
        .values_list(*_SERIES_FIELDS)
    )


def locality_series(user, unit: Locality, has_predecessors: bool) -> list[dict]:
    """The unit's figures by year across the plans the caller may read: its own, then derived ones.

    Own figures are those published for the unit, one per plan. Derived figures come from `derived_series` — the one
    place that carries figures across a reform.
    """
    kinds, standards = labels(FigureKind), standard_labels()

    def point(values) -> dict:
        _locality, year, kind, plan, standard, households, poor, near_poor, rate = values
        return {
            "year": year,
            "kind": kind,
            "kind_label": kinds.get(kind, kind),
            "plan": plan,
            "standard": standard,
            "standard_label": standards.get(standard, standard),
            "households": households,
            "poor_households": poor,
            "near_poor_households": near_poor,
            "published_rate": None if rate is None else float(rate),
            "computed_rate": _float_rate(poor, households),
            "provenance": "own",
            "derived_from": [],
            "method": "",
            "sources": [],
            "complete": True,
            "missing": [],
            "comparable": True,
            "partial_households": None,
            "partial_poor_households": None,
        }

    own = [point(values) for values in _series_points(user, [unit.pk])]
    derived = derived_series(user, unit, kinds, standards) if has_predecessors else []
    return sorted(own + derived, key=lambda p: (p["year"], p["kind"], p["provenance"] != "own", p["plan"]))


def _percent(share) -> float | None:
    """A share (a Fraction of households, None: unknown) as a percentage with two decimals."""
    return None if share is None else round(float(share) * 100, 2)


def _source_item(source) -> dict:
    return {
        "unit": source.slug,
        "name": source.name,
        "share_percent": _percent(source.share),
        "plan": source.plan_slug or None,
    }


def derived_series(user, unit: Locality, kinds: dict, standards: dict) -> list[dict]:
    """THE place that carries figures across a reform into a unit's `series`: the points `analysis.lineage.Series`
    derives from its predecessors (the very computation of the unit's page on the site), as the API gives them.

    Counts are summed, or shared by the succession's share in whole households; the rate is recomputed from the
    counts (a unit passed wholly that published only a rate keeps it). A point lacking a predecessor's figure is
    incomplete (`missing` names the units; only the partial sums are given); one needing an unrecorded share or
    mixing poverty standards is not comparable. Four queries or so: the graph around the unit (one per generation),
    the units met, their figures.
    """
    series = Series(unit, plans=visible_plans(user))
    edge_kinds = sorted({edge.kind for edge in series.lineage.predecessors.get(unit.pk, [])})
    method = "+".join(edge_kinds)
    result = []
    for p in series.points():
        if not p.derived:
            continue  # its own figures are listed per plan by locality_series
        plans = {source.plan_slug for source in p.sources}
        whole = len(p.sources) == 1 and p.sources[0].share == 1
        computed = compute_rate(p.poor_households, p.households)
        result.append(
            {
                "year": p.year,
                "kind": p.kind,
                "kind_label": kinds.get(p.kind, p.kind),
                "plan": next(iter(plans)) if len(plans) == 1 else "",
                "standard": p.standard or "",
                "standard_label": standards.get(p.standard, p.standard) if p.standard else "",
                "households": p.households,
                "poor_households": p.poor_households,
                "near_poor_households": None,
                # A rate published for a unit passed wholly is carried as published; otherwise none was published.
                "published_rate": float(p.rate) if whole and p.rate is not None and computed is None else None,
                "computed_rate": None if computed is None else float(computed),
                "provenance": "derived",
                "derived_from": list(dict.fromkeys(source.slug for source in p.sources)),
                "method": method,
                "sources": [_source_item(source) for source in p.sources],
                "complete": p.complete,
                "missing": [_source_item(source) for source in p.missing],
                "comparable": p.comparable,
                "partial_households": p.partial_households,
                "partial_poor_households": p.partial_poor,
            }
        )
    return result


# --- agencies --------------------------------------------------------------------------------------------------------


def _agency_successions(agency: Agency) -> dict:
    """Whose duties the agency took over and who took over its own (`AgencySuccession`), with the date, the duties
    that moved and the legal basis: one query for both directions."""
    rows = (
        AgencySuccession.objects.filter(Q(predecessor=agency) | Q(successor=agency))
        .select_related("predecessor__province", "successor__province")
        .order_by("effective_date", "pk")
    )
    successions, predecessions = [], []
    for row in rows:
        own = row.predecessor_id == agency.pk
        entry = {
            "agency": agency_ref(row.successor if own else row.predecessor),
            "effective_date": row.effective_date,
            "duties": row.duties,
            "legal_basis": row.legal_basis,
        }
        (successions if own else predecessions).append(entry)
    return {"successions": successions, "predecessions": predecessions}


AGENCY_KEYS = (Key("province__slug"), Key("slug"))


def readable_agency(province: str, slug: str) -> Agency:
    agency = (
        Agency.objects.select_related("province", "successor__province")
        .filter(province__slug=province, slug=slug)
        .first()
    )
    if agency is None:
        raise Http404
    return agency


def agency_item(agency: Agency, kinds: dict) -> dict:
    return {
        "province": agency.province.slug,
        "slug": agency.slug,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "kind_label": kinds.get(agency.kind, agency.kind),
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "successor": agency_ref(agency.successor),
        "url": f"{BASE}/agencies/{agency.province.slug}/{agency.slug}",
    }


def agency_page(*, province: str = "", search: str = "", cursor: str | None, limit: int) -> Page:
    agencies = Agency.objects.select_related("province", "successor__province")
    if province:
        agencies = agencies.filter(province__slug=province)
    key_of = lambda agency: [agency.province.slug, agency.slug]  # noqa: E731
    if search:
        wanted = search_key(search)
        matching = [
            agency
            for agency in agencies.order_by("province__slug", "slug")
            if any(wanted in search_key(text) for text in (agency.name, agency.short_name, agency.slug))
        ]
        page = list_page(matching, AGENCY_KEYS, cursor, limit, key_of)
    else:
        page = keyset_page(agencies, AGENCY_KEYS, cursor, limit, key_of)
    kinds = labels(AgencyKind)
    page.items = [agency_item(agency, kinds) for agency in page.items]
    return page


def agency_detail(user, province: str, slug: str) -> dict:
    agency = readable_agency(province, slug)
    item = agency_item(agency, labels(AgencyKind))
    plans = visible_plans(user).filter(
        Exists(AgencyResponsibility.objects.filter(plan=OuterRef("pk"), agency=agency))
        | Exists(PlanIndicator.objects.filter(plan=OuterRef("pk"), lead_agency=agency))
        | Exists(PlanIndicator.objects.filter(plan=OuterRef("pk"), coordinating_agencies=agency))
        | Exists(PolicyTask.objects.filter(plan=OuterRef("pk"), lead_agency=agency))
    )
    item.update(
        {
            "predecessors": [
                agency_ref(predecessor)
                for predecessor in agency.predecessors.select_related("province").order_by("name")
            ],
            **_agency_successions(agency),
            "plans": [plan_ref(plan) for plan in plans.order_by("slug")],
            "indicators_url": f"{BASE}/agencies/{agency.province.slug}/{agency.slug}/indicators",
        }
    )
    return item

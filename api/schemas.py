"""The typed shapes of the API's answers: the OpenAPI schema is generated from these.

Identifiers are stable: slugs (and official codes where known) for plans, units and indicators, province slug +
agency slug for agencies, appendix codes. Dates are ISO 8601; figures are JSON numbers (counts as integers, rates
and measures as decimals), never formatted text. Each coded value (`kind`, `status`, `unit` …) comes with a
`…_label` in the caller's language (Accept-Language).

Plain Pydantic models, not ninja's `Schema`: the selectors hand over dicts, and ninja's `Schema` wraps every
nested object for attribute access — four times the cost of the data itself for a national table.
"""

import datetime
from typing import Literal

from pydantic import BaseModel, Field

# --- references -----------------------------------------------------------------------------------------------


class LocalityRef(BaseModel):
    slug: str
    code: str = Field(description="Official code of the unit (statistics office), empty when not recorded.")
    name: str = Field(description="As officially written, e.g. “Huyện Phù Cừ”.")
    kind: str
    level: int = Field(description="1 province, 2 district, 3 commune.")
    url: str


class AgencyRef(BaseModel):
    province: str = Field(description="Slug of the agency's province.")
    slug: str
    name: str
    short_name: str
    url: str


class PlanRef(BaseModel):
    slug: str
    reference: str = Field(description="e.g. “Kế hoạch số 03/KH-UBND”.")
    title: str
    url: str


# --- plans ----------------------------------------------------------------------------------------------------


class PlanSummary(BaseModel):
    slug: str
    reference: str
    document_type: str
    number: str
    symbol: str
    title: str
    status: Literal["draft", "issued"]
    status_label: str
    issue_date: datetime.date | None
    province: LocalityRef = Field(description="The province as the document names it (the unit of its time).")
    first_year: int
    last_year: int
    orientation_year: int | None
    is_public: bool
    url: str
    html_url: str


class PlanPage(BaseModel):
    items: list[PlanSummary]
    next_cursor: str | None = Field(description="Give it as `cursor` for the next page; null on the last page.")
    next: str | None = Field(description="The next page's address; null on the last page.")


class LegalBasisOut(BaseModel):
    document_type: str
    number: str
    issue_date: datetime.date | None
    issuer: str
    summary: str


class SectionHeadingOut(BaseModel):
    number: str = Field(description="As the document numbers it (I, 1, 2.1, a, -).")
    heading: str
    kind: str
    kind_label: str
    depth: int = Field(description="0 for a top-level part, 1 below it, …")


class DutyOut(BaseModel):
    marker: str
    text: str


class ResponsibilityOut(BaseModel):
    number: str
    heading: str
    agency: AgencyRef
    duties: list[DutyOut]


class DeadlineOut(BaseModel):
    number: str
    text: str
    reporters_as_written: str
    recipient_as_written: str
    via_agency: AgencyRef | None
    subject: str
    frequency: str
    frequency_label: str
    due_date: datetime.date | None
    reported_on: datetime.date | None
    state: Literal["reported", "overdue", "due", "undated"] = Field(description="On the day of the request.")
    days_left: int | None = Field(description="Days until the due date, negative once past; null without one.")


class AppendixRef(BaseModel):
    code: str
    kind: str
    kind_label: str
    heading: str
    url: str


class PlanDetail(PlanSummary):
    date_as_written: str
    place: str
    issuer: str
    signing_capacity: list[str]
    signer_title: str
    signer_name: str
    legal_bases: list[LegalBasisOut]
    sections: list[SectionHeadingOut] = Field(description="The headings of the plan's text, in document order.")
    responsibilities: list[ResponsibilityOut] = Field(description="Each agency's duties (Tổ chức thực hiện).")
    reporting: list[DeadlineOut]
    appendices: list[AppendixRef]
    follows: PlanRef | None = Field(
        description="The plan this one follows on from, where recorded and the caller may read it (a Thành phố Huế "
        "plan follows Tỉnh Thừa Thiên Huế's)."
    )
    followed_by: list[PlanRef] = Field(description="The plans (that the caller may read) that follow on from this one.")


# --- appendix tables -------------------------------------------------------------------------------------------


class ColumnOut(BaseModel):
    key: str = Field(description="Stable key of the column, `<field>_<year>_<kind>`: the keys of `total`.")
    header: str
    group: str
    year: int
    kind: Literal["result", "target"]
    kind_label: str
    field: Literal["households", "poor_households", "near_poor_households", "poverty_rate", "planned_reduction"]


class StandardOut(BaseModel):
    code: str
    label: str


class TotalOut(BaseModel):
    label: str = Field(description="The total row's label as published; empty when the appendix prints none.")
    published: dict[str, int | float | None] = Field(description="By column key: the total row as published.")
    computed: dict[str, int | float | None] = Field(
        description="By column key: the sum of the rows (rates recomputed from the summed counts)."
    )
    differs: list[str] = Field(description="The column keys where the published total is not the computed one.")


class FindingOut(BaseModel):
    rule: str
    row: str
    column: str
    published: int | float | None = Field(description="Counts are integers, rates and measures decimals.")
    computed: int | float | None
    difference: int | float | None
    message: str


class AppendixDetail(BaseModel):
    code: str
    kind: str
    kind_label: str
    heading: str
    title_lines: list[str]
    note: str
    plan: PlanRef
    columns: list[ColumnOut]
    standards: list[StandardOut] = Field(description="The poverty standards the table's figures were measured under.")
    row_count: int
    rows_url: str | None
    indicators_url: str | None
    total: TotalOut | None
    findings: list[FindingOut] = Field(description="The data-quality check of this appendix.")


class FigureOut(BaseModel):
    year: int
    kind: Literal["result", "target"]
    kind_label: str
    standard: str = Field(description="The poverty standard's code; its label is in the appendix's `standards`.")
    households: int | None
    poor_households: int | None
    near_poor_households: int | None
    planned_reduction: int | None
    published_rate: float | None = Field(description="The poverty rate (%) as printed.")
    computed_rate: float | None = Field(description="From the counts (2 decimals, half-up); null without households.")


class AppendixRowOut(BaseModel):
    number: str
    label: str
    is_total: bool
    locality: LocalityRef
    figures: list[FigureOut] = Field(description="The row's figures for the years and kinds of the appendix.")


class AppendixRowPage(BaseModel):
    items: list[AppendixRowOut]
    next_cursor: str | None
    next: str | None


# --- indicators --------------------------------------------------------------------------------------------------


class IndicatorValueOut(BaseModel):
    year: int
    kind: Literal["baseline", "target", "result"]
    kind_label: str
    value: float | None
    qualifier: str
    qualifier_label: str
    value_as_written: str
    source: str
    source_date: datetime.date | None


class DimensionOut(BaseModel):
    code: str
    name: str


class PlanIndicatorOut(BaseModel):
    plan: str = Field(description="Slug of the plan that states the indicator.")
    code: str = Field(description="The indicator's code, stable across plans.")
    name: str
    number: str
    text: str = Field(description="As the plan writes it.")
    group_heading: str
    dimension: DimensionOut
    unit: str
    unit_label: str
    direction: Literal["increase", "decrease"]
    direction_label: str
    appendix: str | None = Field(description="Code of the appendix that lists it; null when stated in the text.")
    lead_agency: AgencyRef | None
    coordinating_agencies: list[AgencyRef]
    responsible_as_written: str
    values: list[IndicatorValueOut] = Field(description="Baselines, yearly targets and results.")
    url: str


class IndicatorDefinitionOut(BaseModel):
    code: str = Field(description="The indicator's code, stable across plans: `…/plans/{slug}/indicators/{code}`.")
    name: str
    dimension: DimensionOut
    unit: str
    unit_label: str
    direction: Literal["increase", "decrease"]
    direction_label: str


class IndicatorDefinitionPage(BaseModel):
    items: list[IndicatorDefinitionOut]
    next_cursor: str | None
    next: str | None


class PlanIndicatorPage(BaseModel):
    items: list[PlanIndicatorOut]
    next_cursor: str | None
    next: str | None


# --- localities --------------------------------------------------------------------------------------------------


class LocalityOut(BaseModel):
    slug: str
    code: str
    name: str
    kind: str
    kind_label: str
    level: int
    level_label: str
    parent: str | None = Field(description="Slug of the parent unit; null for a province.")
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    url: str


class LocalityPage(BaseModel):
    items: list[LocalityOut]
    next_cursor: str | None
    next: str | None


class SuccessionOut(BaseModel):
    unit: LocalityRef
    kind: str
    kind_label: str
    effective_date: datetime.date
    legal_basis: str
    share_percent: float | None = Field(
        description="The share (%) of the predecessor's households that went to the successor: 100 when the whole "
        "unit passed (rename, upgrade, merge), null when nobody recorded it (a split without a share)."
    )


class SourceOut(BaseModel):
    unit: str = Field(description="Slug of a predecessor unit.")
    name: str
    share_percent: float | None = Field(
        description="The share (%) of its households carried into the point; null when unknown (not comparable)."
    )
    plan: str | None = Field(description="Slug of the plan that published its figure; null for a missing unit.")


class SeriesPointOut(BaseModel):
    year: int
    kind: Literal["result", "target"]
    kind_label: str
    plan: str = Field(description="Slug of the plan that publishes or sets the figure.")
    standard: str
    standard_label: str
    households: int | None
    poor_households: int | None
    near_poor_households: int | None
    published_rate: float | None
    computed_rate: float | None
    provenance: Literal["own", "derived"] = Field(
        description="`own`: published for this unit; `derived`: carried from the units in `derived_from`."
    )
    derived_from: list[str] = Field(description="Slugs of the units a derived figure comes from.")
    method: str = Field(
        description="How a derived figure was obtained: the kinds of the successions into the unit (`rename`, "
        "`upgrade`, `merge`, `split`, joined by `+` when several); empty if own."
    )
    sources: list[SourceOut] = Field(
        description="For a derived figure: each unit whose figure went into it, with the share carried."
    )
    complete: bool = Field(
        description="False when a predecessor has no figure for the year and kind: `households` and "
        "`poor_households` are then null, the sums of what is known are in `partial_…`, never given as the total."
    )
    missing: list[SourceOut] = Field(description="The predecessors whose figure is missing (when not `complete`).")
    comparable: bool = Field(
        description="False when incomplete, when a share of households is unknown, when the predecessors were "
        "measured under different poverty standards, or when the standard changed from the previous point."
    )
    partial_households: int | None = Field(description="When not `complete`: the households of what is known.")
    partial_poor_households: int | None = Field(description="When not `complete`: the poor households known.")


class LocalityDetail(LocalityOut):
    note: str
    children_url: str
    predecessors: list[SuccessionOut] = Field(description="The units this one took over (all or part of).")
    successors: list[SuccessionOut] = Field(description="The units that took this one over.")
    series: list[SeriesPointOut] = Field(description="Its figures by year across the plans and the reforms.")


# --- agencies ------------------------------------------------------------------------------------------------------


class AgencyOut(BaseModel):
    province: str
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor: AgencyRef | None
    url: str


class AgencyPage(BaseModel):
    items: list[AgencyOut]
    next_cursor: str | None
    next: str | None


class AgencySuccessionOut(BaseModel):
    agency: AgencyRef = Field(description="The agency on the other side of the succession.")
    effective_date: datetime.date
    duties: str = Field(description="The duties that moved, as recorded (e.g. “giảm nghèo”); empty when not recorded.")
    legal_basis: str


class AgencyDetail(AgencyOut):
    predecessors: list[AgencyRef]
    successions: list[AgencySuccessionOut] = Field(
        description="The agencies that took over (some of) its duties, with the date and the duties."
    )
    predecessions: list[AgencySuccessionOut] = Field(
        description="The agencies whose duties (some of them) it took over, with the date and the duties."
    )
    plans: list[PlanRef] = Field(description="The plans (that the caller may read) giving it duties or indicators.")
    indicators_url: str


# --- errors ------------------------------------------------------------------------------------------------------


class ProblemError(BaseModel):
    parameter: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError]

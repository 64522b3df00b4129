"""Results against targets: what each district and indicator achieved, judged against the plan's targets.

The rule (one for districts and indicators, so the pages, and any later export, agree):

- A **result** is judged against the **target of the same year**. It is **final** when it is undated
  or dated after the target year ends (the annual review of year Y is published early in Y+1), and
  **interim** when it is dated within the target year (or before it).
- A final result is **achieved** when it meets the target, else **behind**.
- An interim result is **on track** when it already meets the target, or when it has moved from the
  **baseline** toward the target by at least the fraction of the year elapsed at its date
  (30/06 of a 365-day year: 181/365 of the way); else **behind**. Without a baseline the movement
  cannot be measured, so an interim result that does not yet meet the target is behind.
- The **baseline** of year Y is the plan's previous-year figure: the result of Y−1 where one is
  recorded, else (indicators) its stated baseline, else the target set for Y−1.
- Without a result (or without a target to judge it by) the state is **no result yet**.

What "meets" means:

- District poverty figures should fall: a result meets the target when result ≤ target. The poverty
  rate is compared (computed from the counts where the households are known, else as published);
  where either side has no rate, the poor households are compared the same way.
- Indicators follow their target's qualifier: at least → result ≥ target; above → result > target;
  at most → result ≤ target; below → result < target; about → within ±5 % of the target; exactly →
  by the indicator's direction (should rise: result ≥ target; should fall: result ≤ target); reduce by
  at least → baseline − result ≥ target.

Progress toward a target is measured as a distance: how far a value is from meeting it (0 once it
does). An interim result is on track when the distance it closed since the baseline is at least the
elapsed fraction of the baseline's distance.

The **province roll-up** sums the districts' results (households, poor households) and recomputes the
rate from the sums; it is shown beside the province's own target and its published result, and
judged by the same rule once every district has a result.

Reporting deadlines are analysis.deadlines; recording that a report was sent is a write
(workflow.services.reporting_obligation_mark_reported).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from indicators.models import Direction, IndicatorValue, PlanIndicator, Qualifier, ValueKind
from kernel.numbers import compute_rate
from plan_tables.household import Row, household_table
from plan_tables.selectors import household_appendices
from plans.models import Appendix, FigureKind, HouseholdFigure, Plan

ABOUT_TOLERANCE = Decimal("0.05")  # “khoảng”: within ±5 % of the target


class State(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_RESULT = "no_result"


STATE_LABELS = {
    State.ACHIEVED: gettext_lazy("achieved"),
    State.ON_TRACK: gettext_lazy("on track"),
    State.BEHIND: gettext_lazy("behind"),
    State.NO_RESULT: gettext_lazy("no result yet"),
}
# The badge class of each state in site.css.
STATE_BADGES = {State.ACHIEVED: "ok", State.ON_TRACK: "ok", State.BEHIND: "overdue", State.NO_RESULT: ""}


@dataclass(frozen=True)
class Assessment:
    state: State
    final: bool = False
    as_of: datetime.date | None = None  # the result's date
    elapsed: Decimal | None = None  # interim: the fraction of the year elapsed at that date

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]

    @property
    def elapsed_percent(self) -> Decimal | None:
        return None if self.elapsed is None else (self.elapsed * 100).quantize(Decimal("1"))


NO_RESULT = Assessment(State.NO_RESULT)


@dataclass(frozen=True)
class Target:
    """A target value and how a result is compared with it."""

    value: Decimal
    qualifier: str = Qualifier.AT_MOST
    rises: bool = False  # the desired direction, for “exactly”
    baseline: Decimal | None = None  # for “reduce by at least”

    def _upper_bound(self) -> bool:
        """Whether the target is a ceiling (the value should stay at or under it)."""
        if self.qualifier in (Qualifier.AT_LEAST, Qualifier.ABOVE):
            return False
        if self.qualifier == Qualifier.EXACTLY:
            return not self.rises
        return True  # at most, below

    def distance(self, value) -> Decimal | None:
        """How far `value` is from meeting the target: 0 once it meets it (strictness of above/below aside)."""
        value, target = Decimal(value), Decimal(self.value)
        if self.qualifier == Qualifier.REDUCE_BY_AT_LEAST:
            if self.baseline is None:
                return None
            return max(Decimal(0), target - (Decimal(self.baseline) - value))
        if self.qualifier == Qualifier.ABOUT:
            return max(Decimal(0), abs(value - target) - abs(target) * ABOUT_TOLERANCE)
        if self._upper_bound():
            return max(Decimal(0), value - target)
        return max(Decimal(0), target - value)

    def meets(self, value) -> bool | None:
        value, target = Decimal(value), Decimal(self.value)
        if self.qualifier == Qualifier.ABOVE:
            return value > target
        if self.qualifier == Qualifier.BELOW:
            return value < target
        distance = self.distance(value)
        return None if distance is None else distance == 0


def elapsed_fraction(day: datetime.date, year: int) -> Decimal:
    """The fraction of `year` elapsed at the end of `day`: 31/12 → 1, 30/06/2023 → 181/365; 0 before the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if day < start:
        return Decimal(0)
    if day >= end:
        return Decimal(1)
    return Decimal((day - start).days + 1) / Decimal((end - start).days + 1)


def assess(
    target: Target | None,
    result,
    *,
    year: int,
    result_date: datetime.date | None,
    baseline=None,
) -> Assessment:
    """The state of one result against its target; the rule is described at the top of this module."""
    if target is None or result is None:
        return NO_RESULT
    final = result_date is None or result_date > datetime.date(year, 12, 31)
    meets = target.meets(result)
    if meets is None:  # “reduce by at least” without a baseline: nothing to judge by
        return Assessment(State.NO_RESULT, final=final, as_of=result_date)
    if final:
        return Assessment(State.ACHIEVED if meets else State.BEHIND, final=True, as_of=result_date)
    elapsed = elapsed_fraction(result_date, year)
    if meets:
        return Assessment(State.ON_TRACK, as_of=result_date, elapsed=elapsed)
    if baseline is None:
        return Assessment(State.BEHIND, as_of=result_date, elapsed=elapsed)
    gap = target.distance(baseline)
    if not gap:  # the baseline already met the target, and the result no longer does
        return Assessment(State.BEHIND, as_of=result_date, elapsed=elapsed)
    closed = gap - target.distance(result)
    on_track = closed >= elapsed * gap
    return Assessment(State.ON_TRACK if on_track else State.BEHIND, as_of=result_date, elapsed=elapsed)


# --- districts --------------------------------------------------------------------------------------


RATE, POOR = "rate", "poor"


@dataclass
class DistrictResult:
    row: Row
    target: HouseholdFigure | None
    result: HouseholdFigure | None
    baseline: HouseholdFigure | None
    measure: str | None  # RATE or POOR: what the state compares
    assessment: Assessment

    @property
    def label(self) -> str:
        return self.row.label

    @property
    def comparable(self) -> bool:
        """False where the target and the result were measured under different poverty standards: the state would
        compare different things (a 2027 result under the new standard against a target set under the old)."""
        return self.target is None or self.result is None or self.target.standard_id == self.result.standard_id


@dataclass
class RollUp:
    """The province from its districts' results, beside the province's own target and published result."""

    districts: int
    reported: int
    households: int | None
    poor_households: int | None
    rate: Decimal | None  # recomputed from the sums
    target: HouseholdFigure | None
    published: HouseholdFigure | None
    measure: str | None
    assessment: Assessment

    @property
    def complete(self) -> bool:
        return self.districts > 0 and self.reported == self.districts

    @property
    def rate_differs(self) -> bool:
        """Whether the province's published result rate disagrees with the one recomputed from the districts."""
        published = self.published.poverty_rate if self.published else None
        return self.complete and published is not None and self.rate is not None and published != self.rate


@dataclass
class YearResults:
    year: int
    rows: list[DistrictResult]
    rollup: RollUp

    @property
    def state_counts(self) -> list[tuple[str, str, int]]:
        """(state, label, count) in the order achieved, on track, behind, no result yet."""
        counts = Counter(row.assessment.state for row in self.rows)
        return [(state, str(STATE_LABELS[state]), counts[state]) for state in State if counts[state]]


@dataclass
class AppendixResults:
    appendix: Appendix
    years: list[YearResults]
    words: object = None  # localities.labels.UnitWords: what the rows and their whole are called


def _measures(figure: HouseholdFigure | None) -> dict[str, Decimal | int | None]:
    if figure is None:
        return {RATE: None, POOR: None}
    return {RATE: figure.poverty_rate, POOR: figure.poor_households}


def _pick_measure(target: dict, result: dict) -> str | None:
    for measure in (RATE, POOR):
        if target[measure] is not None and result[measure] is not None:
            return measure
    return None


def _previous(figures: dict, year: int) -> HouseholdFigure | None:
    """The baseline: the previous year's result, else that year's target."""
    return figures.get((year - 1, FigureKind.RESULT)) or figures.get((year - 1, FigureKind.TARGET))


def _judge_figures(target_measures, result_measures, baseline_measures, *, year, result_date):
    measure = _pick_measure(target_measures, result_measures)
    if measure is None:
        return None, NO_RESULT
    target = Target(Decimal(target_measures[measure]), Qualifier.AT_MOST)
    assessment = assess(
        target,
        result_measures[measure],
        year=year,
        result_date=result_date,
        baseline=baseline_measures.get(measure),
    )
    return measure, assessment


def district_results(appendix: Appendix) -> AppendixResults:
    """Each target year of a household appendix: every district's target, result and state, and the roll-up."""
    table = household_table(appendix)
    target_years = sorted({c.year for c in table.columns if c.kind == FigureKind.TARGET})
    years = []
    for year in target_years:
        rows = []
        for row in table.rows:
            target = row.figures.get((year, FigureKind.TARGET))
            result = row.figures.get((year, FigureKind.RESULT))
            baseline = _previous(row.figures, year)
            measure, assessment = _judge_figures(
                _measures(target),
                _measures(result),
                _measures(baseline),
                year=year,
                result_date=result.source_date if result else None,
            )
            rows.append(DistrictResult(row, target, result, baseline, measure, assessment))
        years.append(YearResults(year, rows, _rollup(table.total, rows, year)))
    return AppendixResults(appendix, years, table.words)


def _sum(values):
    values = list(values)
    return None if not values or any(v is None for v in values) else sum(values)


def _rollup(total: Row | None, rows: list[DistrictResult], year: int) -> RollUp:
    reported = [r for r in rows if r.result is not None]
    households = _sum(r.result.households for r in reported)
    poor = _sum(r.result.poor_households for r in reported)
    rate = compute_rate(poor, households)
    province_figures = total.figures if total else {}
    target = province_figures.get((year, FigureKind.TARGET))
    published = province_figures.get((year, FigureKind.RESULT))
    measure, assessment = None, NO_RESULT
    if rows and len(reported) == len(rows):
        baselines = [r.baseline for r in rows]
        if all(b is not None for b in baselines):
            base_households = _sum(b.households for b in baselines)
            base_poor = _sum(b.poor_households for b in baselines)
            baseline_measures = {RATE: compute_rate(base_poor, base_households), POOR: base_poor}
        else:
            baseline_measures = _measures(_previous(province_figures, year))
        dates = [r.result.source_date for r in reported]
        final = all(d is None or d > datetime.date(year, 12, 31) for d in dates)
        # Judged as of its newest interim figure: the roll-up is only as recent as its latest district.
        as_of = None if final else max(d for d in dates if d is not None and d <= datetime.date(year, 12, 31))
        measure, assessment = _judge_figures(
            _measures(target), {RATE: rate, POOR: poor}, baseline_measures, year=year, result_date=as_of
        )
    return RollUp(
        districts=len(rows),
        reported=len(reported),
        households=households,
        poor_households=poor,
        rate=rate,
        target=target,
        published=published,
        measure=measure,
        assessment=assessment,
    )


# --- indicators -------------------------------------------------------------------------------------


@dataclass
class IndicatorYear:
    year: int
    target: IndicatorValue
    result: IndicatorValue | None
    baseline: IndicatorValue | None
    assessment: Assessment


@dataclass
class IndicatorResults:
    plan_indicator: PlanIndicator
    years: list[IndicatorYear] = field(default_factory=list)


_BASELINE_ORDER = (ValueKind.RESULT, ValueKind.BASELINE, ValueKind.TARGET)


def indicator_results(plan: Plan) -> list[IndicatorResults]:
    """Each plan indicator's targets per year, with the result of that year and its state. Two queries."""
    plan_indicators = (
        PlanIndicator.objects.filter(plan=plan)
        .select_related("indicator")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "kind")))
        .order_by("order", "pk")
    )
    lines = []
    for plan_indicator in plan_indicators:
        values = {(v.year, v.kind): v for v in plan_indicator.values.all()}
        rises = plan_indicator.indicator.direction == Direction.INCREASE
        line = IndicatorResults(plan_indicator)
        for (year, kind), target_value in sorted(values.items()):
            if kind != ValueKind.TARGET:
                continue
            result = values.get((year, ValueKind.RESULT))
            baseline = next((values[(year - 1, k)] for k in _BASELINE_ORDER if (year - 1, k) in values), None)
            baseline_number = baseline.value if baseline else None
            target = Target(target_value.value, target_value.qualifier, rises=rises, baseline=baseline_number)
            assessment = assess(
                target,
                result.value if result else None,
                year=year,
                result_date=result.source_date if result else None,
                baseline=baseline_number,
            )
            line.years.append(IndicatorYear(year, target_value, result, baseline, assessment))
        if line.years:
            lines.append(line)
    return lines


@dataclass
class PlanResults:
    appendices: list[AppendixResults]
    indicators: list[IndicatorResults]


def plan_results(plan: Plan) -> PlanResults:
    return PlanResults(
        appendices=[district_results(appendix) for appendix in household_appendices(plan)],
        indicators=indicator_results(plan),
    )

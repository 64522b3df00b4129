"""A new plan's baseline year filled from its predecessors' results re-aggregated onto its units.

A 2026 plan of Thành phố Huế's wards has no 2025 results of its own: the wards began on 01/07/2025. Their
predecessors' results, carried onto them (analysis.lineage: summed or shared by the recorded shares, rates
recomputed from the counts), give the baseline — written through the one write service, marked derived (with the
units they come from in the note) until a reviewer confirms them. A unit whose carried figure is incomplete or not
comparable is left empty and named: an incomplete sum is never a baseline.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from analysis.lineage import Series
from localities.lineage import Lineage
from localities.models import Locality
from plan_tables.household import household_table
from plan_tables.selectors import household_appendices
from plans.models import FigureKind, HouseholdFigure, Plan
from workflow.permissions import visible_plans
from workflow.services import EditResult, FigureEdit, save_figures


@dataclass
class BaselineFill:
    result: EditResult | None = None
    filled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # “Phường X: incomplete, lacks …”


def _sources_text(value) -> str:
    parts = []
    for source in value.sources:
        share = source.share_percent
        share_text = "" if share is None or share == 100 else f" ({str(share).replace('.', ',')}%)"
        parts.append(f"{source.name}{share_text}")
    return "; ".join(parts)


def plan_baseline_fill(*, user, plan: Plan, year: int) -> BaselineFill:
    """Fill the results of `year` of the plan's household table where a unit has none, from its predecessors'."""
    outcome = BaselineFill()
    appendices = household_appendices(plan)
    if not appendices:
        return outcome
    table = household_table(appendices[0])
    rows = [*table.rows, *([table.total] if table.total else [])]
    units = Locality.objects.in_bulk([row.locality_id for row in rows])
    lineage = Lineage.around(list(units))
    other_plans = visible_plans(user).exclude(pk=plan.pk)
    edits = []
    for row in rows:
        if (year, FigureKind.RESULT) in row.figures:
            continue
        unit = units[row.locality_id]
        value = Series(unit, plans=other_plans, lineage=lineage).value(unit.pk, year, FigureKind.RESULT)
        if value is None or value.own:
            continue
        if value.missing:
            outcome.skipped.append(
                _("%(unit)s: incomplete, lacks %(missing)s")
                % {
                    "unit": unit.name,
                    "missing": ", ".join(source.name for source in value.missing),
                }
            )
            continue
        if value.share_unknown or len(value.standards) > 1:
            outcome.skipped.append(_("%(unit)s: not comparable") % {"unit": unit.name})
            continue
        rate = value.rate if value.households is None else None  # else computed from the counts on saving
        edits.append(
            FigureEdit(
                key=f"baseline-{unit.pk}",
                locality=unit,
                year=year,
                kind=FigureKind.RESULT,
                values={
                    "households": value.households,
                    "poor_households": value.poor,
                    "published_rate": rate,
                    "standard_id": next(iter(value.standards)),
                    "is_derived": True,
                    "note": _("Derived from the predecessors' results: %(sources)s.")
                    % {"sources": _sources_text(value)},
                },
            )
        )
        outcome.filled.append(unit.name)
    if edits:
        outcome.result = save_figures(
            user=user, plan=plan, edits=edits, origin=_("baseline derived from the predecessors' results")
        )
        if not outcome.result.ok:
            outcome.filled = []
    return outcome


def plan_derived_confirm(*, user, plan: Plan) -> EditResult:
    """A reviewer confirms the plan's derived figures as they stand (they stop being shown as derived)."""
    figures = HouseholdFigure.objects.filter(plan=plan, is_derived=True).select_related("locality")
    edits = [
        FigureEdit(
            key=f"confirm-{figure.pk}",
            locality=figure.locality,
            year=figure.year,
            kind=figure.kind,
            values={"is_derived": False},
            version=figure.version,
        )
        for figure in figures
    ]
    return save_figures(user=user, plan=plan, edits=edits, origin=_("derived figures confirmed"))

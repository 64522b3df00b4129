"""Where a data-quality finding comes from: the document as published, or a save whose warning someone confirmed.

Every kind of finding a save could bring about is shown as a warning before the save (analysis.consequences) and
saved only once confirmed, and the history records the confirmation (workflow.services.WARNINGS_CONFIRMED). So the
quality page labels each finding by the history of the figures (or indicator values) it is computed from:

- “as published”: none of them changed since the initial load (the seed documents' own disagreements, which are
  never corrected);
- “saved with a confirmed warning”: the last change among them was saved so — by whom, and when;
- otherwise “changed without a confirmed warning” — by whom and when: a write that went around the save path, which
  should not exist, and which the page then says.

The history is read per row, not per field: a finding on a figure whose other fields were edited since the load
is traced to that edit. Two queries, whatever the number of findings.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from indicators.models import IndicatorValue
from plans.models import HouseholdFigure, Plan
from workflow.changelog import INITIAL_LOAD, person_label
from workflow.services import confirms_warnings

from .quality import REMAINING_POOR, TOTAL_IS_SUM, TOTAL_RATE_FROM_SUMS, Finding

AS_PUBLISHED, CONFIRMED, UNCONFIRMED = "as_published", "confirmed", "unconfirmed"
_WHOLE_COLUMN = {TOTAL_IS_SUM, TOTAL_RATE_FROM_SUMS}  # computed from every row of the column


@dataclass(frozen=True)
class FindingOrigin:
    kind: str  # AS_PUBLISHED, CONFIRMED or UNCONFIRMED
    user: str = ""
    date: object = None  # the history record's datetime

    @property
    def label(self) -> str:
        if self.kind == AS_PUBLISHED:
            return _("As published")
        if self.kind == CONFIRMED:
            return _("Saved with a confirmed warning")
        return _("Changed without a confirmed warning")


def finding_origins(plan: Plan, findings: list[Finding]) -> list[FindingOrigin]:
    """One origin per finding, in the findings' order."""
    figure_changes = _last_changes(
        HouseholdFigure.history.filter(
            plan=plan, year__in={y for f in findings if f.locality_id for y in (f.year, f.year - 1)}
        ),
        lambda record: (record.locality_id, record.year, record.kind),
    )
    value_changes = _last_changes(
        IndicatorValue.history.filter(plan_indicator_id__in={f.plan_indicator_id for f in findings} - {None}),
        lambda record: (record.plan_indicator_id, record.year, record.kind),
    )
    origins = []
    for finding in findings:
        if finding.plan_indicator_id is not None:
            candidates = [
                change
                for (owner, year, _kind), change in value_changes.items()
                if owner == finding.plan_indicator_id and year <= finding.year
            ]
        elif finding.rule in _WHOLE_COLUMN:
            candidates = [
                change
                for (_owner, year, kind), change in figure_changes.items()
                if (year, kind) == (finding.year, finding.kind)
            ]
        else:  # the row's figure; for the poor households left, the year before's too
            years = {finding.year - 1} if finding.rule == REMAINING_POOR else set()
            candidates = [
                change
                for (owner, year, kind), change in figure_changes.items()
                if owner == finding.locality_id and ((year, kind) == (finding.year, finding.kind) or year in years)
            ]
        origins.append(_origin(candidates))
    return origins


def _last_changes(records, key) -> dict:
    """Per figure (or value): its last history record that is a change by a person or a write since the load — not
    the initial load, and not the creation of the row by a load without an account (a fixture, the demo data)."""
    by_key = defaultdict(list)
    for record in (
        records.exclude(Q(history_change_reason=INITIAL_LOAD))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        by_key[key(record)].append(record)
    last = {}
    for owner, changes in by_key.items():
        changes = [r for r in changes if not (r.history_type == "+" and r.history_user_id is None)]
        if changes:
            last[owner] = changes[-1]
    return last


def _origin(records: list) -> FindingOrigin:
    if not records:
        return FindingOrigin(AS_PUBLISHED)
    record = max(records, key=lambda r: (r.history_date, r.history_id))
    user = person_label(record.history_user) if record.history_user else _("an import or the system")
    kind = CONFIRMED if confirms_warnings(record.history_change_reason) else UNCONFIRMED
    return FindingOrigin(kind, user, record.history_date)

"""The changes an import makes, as plain data, and their writing: all in one transaction or none.

A `Change` holds ids and strings only (`to_session`), so the web preview keeps the change set in the
session between preview and confirmation — never the file. `apply_changes` writes them through
workflow.services, the one write path of figures and indicator values: the permission check, the locks
of the review, the model's `full_clean()`, the versions and the history are the same as for the grids;
what the import adds is that every old value of the preview must still be the stored one.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from indicators.models import PlanIndicator
from kernel.numbers import format_count, format_printed, format_rate
from localities.models import Locality
from plan_tables.household import COUNT_FIELDS
from plans.models import Plan
from workflow.permissions import Checker
from workflow.services import (
    EditForbidden,
    EditResult,
    FigureEdit,
    ValueEdit,
    save_figures,
    save_indicator_values,
)

from .problems import ImportRefused, Problem

HOUSEHOLD, INDICATOR = "household", "indicator"


def as_text(value) -> str:
    return "" if value is None else str(value)


def differs(new, old) -> bool:
    """Whether two figures differ as numbers: 1,2 and 1,20 are the same rate."""
    if new is None or old is None:
        return (new is None) != (old is None)
    if type(new) in _EXACT and type(old) in _EXACT:
        return new != old  # ints and Decimals compare by value: what Decimal() of each gives, without converting
    return Decimal(new) != Decimal(old)


_EXACT = (int, Decimal)


@dataclass(frozen=True)
class Change:
    """One figure to change: plain values only (ids, strings), so it survives in the session as JSON."""

    target: str  # HOUSEHOLD (a HouseholdFigure field) or INDICATOR (an IndicatorValue)
    appendix: str  # the appendix code
    owner_id: int  # the locality (household) or the plan indicator
    year: int
    kind: str
    field: str  # the model attribute: households, poor_households, …, published_rate; value
    old: str  # "" where there is no figure yet
    new: str  # "" to clear the figure
    label: str  # the row as the sheet names it
    column: str  # the column as the layout names it
    sheet: str
    row: int
    # The poverty standard the sheet's header names for the figure (a household figure only; "" when it names none:
    # a new figure then gets the standard in force for its year).
    standard: str = ""

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict) -> "Change":
        return cls(**{item.name: data[item.name] for item in fields(cls) if item.name in data})

    @property
    def old_value(self) -> Decimal | None:
        return Decimal(self.old) if self.old else None

    @property
    def new_value(self) -> Decimal | None:
        return Decimal(self.new) if self.new else None

    def display_value(self, value) -> str:
        if value is None:
            return "—"
        value = Decimal(value)
        if self.field == "published_rate":
            return format_rate(value)
        if self.field in COUNT_FIELDS:
            return format_count(int(value))
        return format_printed(value)  # a value as printed or typed, its decimals kept: "9,70", "100"

    @property
    def display_old(self) -> str:
        return self.display_value(self.old_value)

    @property
    def display_new(self) -> str:
        return self.display_value(self.new_value)

    def __str__(self) -> str:
        return _("%(label)s, %(year)s, %(column)s: %(old)s → %(new)s") % {
            "label": self.label,
            "year": self.year,
            "column": self.column,
            "old": self.display_old,
            "new": self.display_new,
        }


@dataclass
class ImportResult:
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    # What the changes would do beyond their cells (analysis.consequences): confirmed by the person before the save.
    warnings: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    # A table approved and then reopened may change only with a reason (as on the editing screens).
    reason_required: bool = False
    # Changed cells whose stored figure was changed by somebody else after the workbook was made
    # (spreadsheets.versions.VersionConflict): the file is refused unless a reviewer overrides them with a reason.
    conflicts: list = field(default_factory=list)
    # False when the workbook does not record what it was made from: conflicts cannot be detected.
    detects_conflicts: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


# --- confirmation: all or nothing, through the one write path ---------------------------------------


def _stale(change: Change, current) -> Problem:
    return Problem(
        _(
            "The stored figure changed after the preview (it is now %(current)s; the preview showed %(old)s): "
            "nothing was written. Upload the file again to see the current differences."
        )
        % {"current": change.display_value(current), "old": change.display_old},
        sheet=change.sheet,
        row=change.row,
        column=change.column,
    )


def _changed_meanwhile() -> str:
    return _("The figures changed while the import was being saved: nothing was written. Upload the file again.")


def override_refusal(plan: Plan, user, reason: str) -> str:
    """Why `user` may not override a workbook's conflicts with `reason` ("" when they may): reviewers, with a reason."""
    if user is None or not Checker(user, plan).is_reviewer:
        return _("Only a reviewer of the plan can override figures changed since the workbook was made.")
    if not reason.strip():
        return _("Say why the workbook's figures replace the ones changed since it was made: the reason is recorded.")
    return ""


def apply_changes(
    plan: Plan,
    changes: list[Change],
    *,
    user=None,
    reason: str = "",
    source: str = "",
    overridden: list | None = None,
    confirmed_warnings: list[str] | None = None,
) -> int:
    """Write the changes through workflow.services, all in one transaction or none; ImportRefused otherwise.

    The changes of one row (a figure, an indicator value) become one edit that expects the old values the
    preview showed, so a value stored since then is refused, as the grids refuse a newer version. The service
    checks again what the user may change (a table may have been approved or reopened since the preview),
    asks a reopened table for the user's `reason`, and records the reason, the file (`source`) and the user
    in the history. Without a user the server's operator writes (see workflow.permissions): the command.
    `overridden` are the workbook's conflicts (spreadsheets.versions) a reviewer chose to override with `reason`:
    they are named in the history beside the reason. `confirmed_warnings` are the preview's warnings the person
    confirmed (analysis.consequences): the history records them.
    """
    if not changes:
        return 0
    if overridden:
        refusal = override_refusal(plan, user, reason)
        if refusal:
            raise ImportRefused([Problem(refusal)])
    groups: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        groups[f"{change.target}:{change.owner_id}:{change.year}:{change.kind}"].append(change)
    figure_edits, value_edits = _edits(plan, groups)
    origin = _("import of %(file)s") % {"file": source} if source else _("import")
    if overridden:
        origin += "; " + _("overriding %(count)s figures changed since the workbook was made: %(list)s") % {
            "count": len(overridden),
            "list": "; ".join(conflict.summary for conflict in overridden),
        }
    checker = Checker(user, plan)
    try:
        with transaction.atomic():  # the household and the indicator changes of one file: together or not at all
            problems = []
            for save, edits in ((save_figures, figure_edits), (save_indicator_values, value_edits)):
                if edits:
                    result = save(
                        user=user,
                        plan=plan,
                        edits=edits,
                        reason=reason,
                        origin=origin,
                        checker=checker,
                        confirmed_warnings=confirmed_warnings or (),
                    )
                    problems.extend(_problems(result, groups))
            if problems:
                raise ImportRefused(problems)
    except EditForbidden as forbidden:
        first = groups[forbidden.key][0]
        problem = Problem(str(forbidden), sheet=first.sheet, row=first.row, column=first.column)
        raise ImportRefused([problem]) from forbidden
    except IntegrityError as error:  # a row created by someone else between the check and the save
        raise ImportRefused([Problem(_changed_meanwhile())]) from error
    return len(changes)


def _edits(plan: Plan, groups: dict[str, list[Change]]) -> tuple[list[FigureEdit], list[ValueEdit]]:
    """The service's edits of the change groups, keyed as the groups are; a row deleted since the preview refuses."""
    owners = {
        HOUSEHOLD: Locality.objects.in_bulk({g[0].owner_id for g in groups.values() if g[0].target == HOUSEHOLD}),
        INDICATOR: PlanIndicator.objects.filter(plan=plan)
        .select_related("indicator", "plan")
        .in_bulk({g[0].owner_id for g in groups.values() if g[0].target == INDICATOR}),
    }
    figure_edits, value_edits = [], []
    for key, group in groups.items():
        first = group[0]
        owner = owners[first.target].get(first.owner_id)
        if owner is None:
            raise ImportRefused([Problem(_changed_meanwhile(), sheet=first.sheet, row=first.row)])
        values = {change.field: model_value(change) for change in group}
        expected = {change.field: change.old_value for change in group}
        if first.target == HOUSEHOLD:
            if first.standard:
                values["standard_id"] = first.standard
            figure_edits.append(FigureEdit(key, owner, first.year, first.kind, values, expected=expected))
        else:
            value_edits.append(ValueEdit(key, owner, first.year, first.kind, values, expected=expected))
    return figure_edits, value_edits


def model_value(change: Change):
    """A change's new value as the model holds it: a count as an integer."""
    value = change.new_value
    return int(value) if value is not None and change.field in COUNT_FIELDS else value


def _problems(result: EditResult, groups: dict[str, list[Change]]) -> list[Problem]:
    """The service's refusals as the import reports them: at the cell of a changed figure, else at its row."""
    problems = []
    for conflict in result.conflicts:
        group = groups[conflict.key]
        stale = [_stale(change, conflict.stored[change.field]) for change in group if change.field in conflict.stored]
        problems.extend(stale or [Problem(conflict.message, sheet=group[0].sheet, row=group[0].row)])
    for key, messages in result.errors.items():
        group = groups[key]
        by_field = result.field_errors.get(key, {})
        for message in messages:
            change = next((change for change in group if message in by_field.get(change.field, ())), None)
            if change is not None:
                problems.append(Problem(message, sheet=change.sheet, row=change.row, column=change.column))
            else:  # a missing reason, or a rule across the row's figures
                problems.append(Problem(message, sheet=group[0].sheet, row=group[0].row))
    return problems

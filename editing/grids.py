"""The editable grids of a plan: its district table one year at a time, and its indicator targets.

The grids read what the read-only pages read (`household_table`, `indicator_table`), parse every cell
with the project's number fields (the model fields choose them, as in the admin), ask the one
permission check (`workflow.permissions.Checker`) which rows are editable, and write only through
`workflow.services` — which validates, locks optimistically and records the history. This module
shapes the forms and puts the service's answer back next to the cells it concerns.

A cell counts as changed when its value differs from the value the user loaded: every input carries
that value in a hidden "initial-" twin (`show_hidden_initial`), so a row someone else saved in the
meantime is not mistaken for the user's change, and a row the user did change meets the version check.
"""

import copy
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BoundField
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analysis.consequences import SaveWarning, household_consequences, indicator_consequences
from indicators.models import IndicatorValue, PlanIndicator, Qualifier, ValueKind
from kernel.numbers import compute_rate, format_printed, format_rate, rate_following_counts
from localities.models import Locality
from plan_tables.household import FIGURE_ATTRIBUTES, Column, HouseholdTable, Row
from plan_tables.selectors import IndicatorGroup, indicator_table
from plans.models import FigureKind, HouseholdFigure, Plan
from workflow.models import Table, TableReview
from workflow.permissions import Checker, Decision
from workflow.services import EditResult, FigureEdit, ValueEdit, reason_required_message

RATE = "published_rate"
COUNTS_FOR_RATE = ("households", "poor_households")


@dataclass(frozen=True)
class ReadOnlyNote:
    """Why some rows are read only, said once above the grid; each such row's "read only" badge points here."""

    id: str
    text: str


def read_only_notes(rows, prefix: str) -> list[ReadOnlyNote]:
    """One note per distinct reason among the rows refused (in the order they come), attached to those rows.

    A row's own words name its unit ("… not those of Huyện Tiên Lữ"): repeated in every row they made each row
    several lines tall on a phone, so the grid says the reason once and each row keeps a short badge."""
    notes: dict[str, ReadOnlyNote] = {}
    for row in rows:
        if not row.decision:
            text = row.decision.note
            if text not in notes:
                notes[text] = ReadOnlyNote(f"{prefix}-read-only-{len(notes) + 1}", text)
            row.read_only_note = notes[text]
    return list(notes.values())


def _shown(figure: HouseholdFigure | None, attribute: str):
    """A stored figure as the grid shows it: the rate with the decimals it was published with."""
    if figure is None:
        return None
    return figure.published_rate_as_printed if attribute == RATE else getattr(figure, attribute)


def _model_formfield(model, name: str, **kwargs) -> forms.Field:
    """The form field the model field chooses (LocalizedIntegerField, LocalizedDecimalField …), as in the admin."""
    return model._meta.get_field(name).formfield(required=False, help_text="", **kwargs)


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


def _model_errors(instance, values: dict) -> dict[str, list[str]]:
    """What the model's own validation says about `values` on a copy of `instance` (nothing is written).

    For the rows the service did not validate: when other rows could not be read (nothing is sent to it), or
    when it stopped at a conflict. What the service refuses comes with its own field map (`field_errors`).
    """
    candidate = copy.copy(instance)
    for name, value in values.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def _place(messages: list[str], by_field: dict[str, list[str]], names) -> tuple[dict[str, list[str]], list[str]]:
    """Split a key's messages into those of a cell (by field name) and the rest (for the row)."""
    cells: dict[str, list[str]] = {}
    rest: list[str] = []
    for message in messages:
        owner = next((name for name in names if message in by_field.get(name, ())), None)
        if owner is None:
            rest.append(message)
        else:
            cells.setdefault(owner, []).append(message)
    return cells, rest


class BatchForm(forms.Form):
    """What applies to every row saved at once: the reason for the change, and for results their source."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        # The history keeps a reason whole (a text column); the limit is the admin's, against pasted documents.
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off"}),
    )
    source = forms.CharField(
        label=gettext_lazy("Source of the results"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("The review or report the figures come from."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    source_date = forms.DateField(
        label=gettext_lazy("Date of the source"),
        required=False,
        help_text=gettext_lazy("dd/mm/yyyy"),
        widget=forms.DateInput(attrs={"size": 12, "placeholder": "dd/mm/yyyy"}),
    )

    def __init__(self, *args, with_source: bool, reason_required: bool = False, saving: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_source = with_source
        self.reason_required = reason_required
        self.saving = saving  # something is to be saved: only then are the reason and the source required
        if not with_source:
            del self.fields["source"]
            del self.fields["source_date"]

    def clean(self):
        data = super().clean()
        if self.saving and self.reason_required and not data.get("reason", "").strip() and "reason" not in self.errors:
            self.add_error("reason", reason_required_message())
        if self.saving and self.with_source:
            if not data.get("source", "").strip() and "source" not in self.errors:
                self.add_error("source", _("Give the source of these results."))
            if data.get("source_date") is None and "source_date" not in self.errors:
                self.add_error("source_date", _("Give the date of the source (dd/mm/yyyy)."))
        return data

    @property
    def result_values(self) -> dict:
        if not self.with_source:
            return {}
        return {"source": self.cleaned_data["source"].strip(), "source_date": self.cleaned_data["source_date"]}


def edits_fingerprint(edits: list) -> str:
    """A digest of the entries a confirmation is for: a post whose entries differ (the person changed a cell after
    reading the warnings) does not match it, and is not saved on the old confirmation."""
    payload = repr(
        sorted(
            (edit.key, edit.year, edit.kind, edit.version, sorted((k, str(v)) for k, v in edit.values.items()))
            for edit in edits
        )
    )
    return salted_hmac("editing.confirm-warnings", payload).hexdigest()


# --- the district table ------------------------------------------------------------------------------------


class FigureRowForm(forms.Form):
    """One row of the district grid: the figure of (locality, year, kind), and the version the user loaded."""

    version = _version_field()

    def __init__(self, *args, attributes: list[str], labels: dict[str, str], row_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in attributes:
            form_field = _model_formfield(HouseholdFigure, name, show_hidden_initial=True)
            form_field.widget.attrs.update(
                {
                    "data-col": name,
                    "size": 7,
                    "aria-label": f"{row_label}: {labels[name]}",
                    "class": "cell-input",
                    # A tablet's keypad: digits for a count (7540 or 7.540), digits and a separator for a rate.
                    "inputmode": "decimal" if name == RATE else "numeric",
                    "enterkeyhint": "next",
                }
            )
            self.fields[name] = form_field
        self.attributes = attributes

    @property
    def changed_cells(self) -> list[str]:
        # The version is not the user's change: it differs from the stored one exactly when someone else saved.
        return [name for name in self.changed_data if name != "version"]


@dataclass
class FigureCell:
    column: Column
    attribute: str
    value: object  # as stored (shown in a read-only cell)
    bound: BoundField | None = None  # None: read-only, or the computed rate
    computed: bool = False  # the rate, computed from the row's counts
    errors: list[str] = field(default_factory=list)  # messages of the service about this cell

    @property
    def all_errors(self) -> list[str]:
        return [*(self.bound.errors if self.bound is not None else []), *self.errors]

    @property
    def changed(self) -> bool:
        return self.bound is not None and self.bound.form.is_bound and self.attribute in self.bound.form.changed_data


@dataclass
class FigureRow:
    row: Row
    locality: Locality
    figure: HouseholdFigure | None  # as stored now
    form: FigureRowForm
    decision: Decision
    review: TableReview
    cells: list[FigureCell]
    errors: list[str] = field(default_factory=list)  # messages about the row as a whole
    conflict: bool = False  # someone saved this row after the user loaded it
    read_only_note: ReadOnlyNote | None = None  # why the row is read only (said above the grid)

    @property
    def key(self) -> str:
        return self.form.prefix

    @property
    def editable(self) -> bool:
        return bool(self.decision)

    @property
    def changed(self) -> bool:
        return self.form.is_bound and bool(self.form.changed_cells)

    @property
    def rate(self):
        """The rate shown for the row: from the counts where both are known, else the stored published rate."""
        if self.figure is None:
            return None
        computed = compute_rate(self.figure.poor_households, self.figure.households)
        return computed if computed is not None else self.figure.published_rate_as_printed

    @property
    def stored_rate(self):
        return self.figure.published_rate_as_printed if self.figure is not None else None

    @property
    def current_values(self) -> list[tuple[str, object, bool]]:
        """What is stored now, for a row in conflict: (column header, value, is_rate)."""
        return [(cell.column.header, _shown(self.figure, cell.attribute), cell.column.is_rate) for cell in self.cells]


def figure_views(plan: Plan, table: HouseholdTable) -> dict[str, list[int]]:
    """The years the grid can show, per kind: every year of the appendix for results, the plan's period for targets."""
    years = sorted({column.year for column in table.columns})
    last_target = plan.orientation_year or plan.last_year
    return {
        FigureKind.TARGET: [y for y in years if plan.first_year <= y <= last_target],
        FigureKind.RESULT: years,
    }


def default_year(plan: Plan, years: list[int]) -> int | None:
    if not years:
        return None
    return plan.last_year if plan.last_year in years else years[-1]


class DistrictGrid:
    """The district table of one year and kind as rows of forms, one per locality row of the appendix."""

    def __init__(self, *, plan: Plan, checker: Checker, table: HouseholdTable, year: int, kind: str, data=None):
        self.plan, self.checker, self.table, self.year, self.kind = plan, checker, table, year, kind
        self.data = data
        self.columns = self._columns()
        fields_shown = {column.field for column in self.columns}
        # Where the table has both counts, the published rate is computed from them (so that the tables and
        # exports stay consistent); without household totals (Thừa Thiên Huế) the rate is typed.
        self.rate_computed = "poverty_rate" in fields_shown and all(name in fields_shown for name in COUNTS_FOR_RATE)
        self.attributes = [FIGURE_ATTRIBUTES[column.field] for column in self.columns]
        self.typed = [name for name in self.attributes if not (self.rate_computed and name == RATE)]
        labels = {FIGURE_ATTRIBUTES[column.field]: column.header for column in self.columns}
        localities = Locality.objects.in_bulk([row.locality_id for row in table.published_order])
        self.rows = [self._row(row, localities[row.locality_id], labels) for row in table.published_order]
        self.read_only_notes = read_only_notes(self.rows, "districts")

    def _columns(self) -> list[Column]:
        """The appendix's columns of the year, one per field (the year's result and target columns share fields)."""
        chosen: dict[str, Column] = {}
        for column in self.table.columns:
            if column.year != self.year:
                continue
            if column.field not in chosen or (column.kind == self.kind and chosen[column.field].kind != self.kind):
                chosen[column.field] = column
        return sorted(chosen.values(), key=lambda column: column.index)

    def _row(self, row: Row, locality: Locality, labels: dict[str, str]) -> FigureRow:
        figure = row.figures.get((self.year, self.kind))
        initial = {name: getattr(figure, name) for name in self.typed} if figure else {}
        if RATE in initial and initial[RATE] is not None:
            # The typed rate as the document printed it ("1,2", "3,50"): the number field would drop a final zero.
            initial[RATE] = format_rate(figure.published_rate_as_printed)
        # A row without a figure carries version 0: if someone creates the figure meanwhile, it is a conflict.
        initial["version"] = figure.version if figure else 0
        form = FigureRowForm(
            self.data,
            prefix=f"f{locality.pk}",
            initial=initial,
            attributes=self.typed,
            labels=labels,
            row_label=row.label or locality.name,
        )
        decision = self.checker.can_edit_figure(locality)
        cells = []
        for column, attribute in zip(self.columns, self.attributes, strict=True):
            computed = self.rate_computed and attribute == RATE
            bound = form[attribute] if decision and not computed else None
            cells.append(FigureCell(column, attribute, _shown(figure, attribute), bound, computed=computed))
        return FigureRow(
            row=row,
            locality=locality,
            figure=figure,
            form=form,
            decision=decision,
            review=self.checker.review(Table.DISTRICTS, locality.pk),
            cells=cells,
        )

    # --- who may use the grid ------------------------------------------------------------------------------

    @property
    def entitled(self) -> bool:
        """Whether the user's scope covers any row (a locked row still counts: the user sees why it is locked)."""
        return self.checker.is_reviewer or any(self.checker.in_locality_scope(row.locality) for row in self.rows)

    @property
    def any_editable(self) -> bool:
        """Whether the user may change any row now: without one, the grid offers no save button."""
        return any(row.editable for row in self.rows)

    @property
    def reason_hint(self) -> bool:
        """Whether saving any row the user may edit needs a reason."""
        return any(row.editable and self.checker.reason_required(Table.DISTRICTS, row.locality.pk) for row in self.rows)

    # --- saving ----------------------------------------------------------------------------------------------

    @property
    def changed_rows(self) -> list[FigureRow]:
        return [row for row in self.rows if row.changed]

    def require_editable(self) -> None:
        """Refuse (403) a request that changes a row the user may not edit: another district's, or a locked one."""
        for row in self.changed_rows:
            if not row.decision:
                raise PermissionDenied(row.decision.reason)

    def reason_required(self) -> bool:
        return any(self.checker.reason_required(Table.DISTRICTS, row.locality.pk) for row in self.changed_rows)

    def is_valid(self) -> bool:
        return all([row.form.is_valid() for row in self.changed_rows])  # a list: every row gets its errors

    def _values(self, row: FigureRow, extra: dict) -> dict:
        values = {name: row.form.cleaned_data.get(name) for name in self.typed}
        if self.rate_computed:
            # An impossible count (more poor households than households) is the counts' error, not the rate's;
            # without both counts the published rate is left as it is.
            rate = rate_following_counts(values["poor_households"], values["households"])
            if rate is not None:
                values[RATE] = rate
        return {**values, **extra}

    def edits(self, extra: dict) -> list[FigureEdit]:
        return [
            FigureEdit(
                key=row.key,
                locality=row.locality,
                year=self.year,
                kind=self.kind,
                values=self._values(row, extra),
                version=row.form.cleaned_data.get("version"),
            )
            for row in self.changed_rows
        ]

    def warnings(self, edits: list[FigureEdit]) -> list[SaveWarning]:
        """What saving `edits` would do beyond their cells (analysis.consequences, as the import's preview shows it):
        the person confirms these before anything is saved."""
        return household_consequences(self.table, {(e.locality.pk, e.year, e.kind): e.values for e in edits})

    def _blank_figure(self, row: FigureRow) -> HouseholdFigure:
        return row.figure or HouseholdFigure(plan=self.plan, locality=row.locality, year=self.year, kind=self.kind)

    def check_rows(self) -> None:
        """Show the model's messages for the rows that were read, when others could not be (nothing is saved)."""
        for row in self.changed_rows:
            if not row.form.errors:
                by_field = self._row_model_errors(row, {})
                self._show(row, [message for messages in by_field.values() for message in messages], by_field)

    def _row_model_errors(self, row: FigureRow, extra: dict) -> dict[str, list[str]]:
        return _model_errors(self._blank_figure(row), self._values(row, extra))

    def _show(self, row: FigureRow, messages: list[str], by_field: dict[str, list[str]]) -> None:
        by_cell, rest = _place(messages, by_field, self.attributes)
        for cell in row.cells:
            cell_messages = by_cell.get(cell.attribute, [])
            if cell.bound is None and not cell.computed:
                rest.extend(cell_messages)  # a read-only cell: the message goes to the row
            else:
                cell.errors.extend(m for m in cell_messages if m not in cell.all_errors)
        row.errors.extend(m for m in rest if m not in row.errors)

    def show_result(self, result: EditResult, extra: dict) -> None:
        """Put a refused save's messages next to their cells and rows, and take the versions of rows in conflict.

        Rows saved by someone else after the user loaded them carry the new version from now on, so that the
        user — who has read whose value it is — can save theirs deliberately; it is never overwritten silently.
        """
        for row in self.changed_rows:
            stored_version = row.figure.version if row.figure else 0
            if row.form.cleaned_data.get("version") != stored_version and self.data is not None:
                row.conflict = True
                self.data[f"{row.key}-version"] = str(stored_version)
                # The service stops at the conflict; the model's word on the entries is shown all the same.
                by_field = self._row_model_errors(row, extra)
                self._show(row, [message for messages in by_field.values() for message in messages], by_field)
            if row.key in result.errors:
                self._show(row, result.errors[row.key], result.field_errors.get(row.key, {}))


# --- the indicator table ----------------------------------------------------------------------------------


def value_field(year: int) -> str:
    return f"value_{year}"


def qualifier_field(year: int) -> str:
    return f"qualifier_{year}"


def version_field(year: int) -> str:
    return f"version_{year}"


class IndicatorRowForm(forms.Form):
    """One indicator's values of the grid's years: value, qualifier (targets only) and the version loaded."""

    def __init__(self, *args, years: list[int], with_qualifier: bool, row_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        for year in years:
            value = _model_formfield(IndicatorValue, "value", show_hidden_initial=True)
            value.widget.attrs.update(
                {"data-col": value_field(year), "size": 7, "aria-label": f"{row_label}: {year}", "class": "cell-input"}
            )
            self.fields[value_field(year)] = value
            if with_qualifier:
                qualifier = _model_formfield(IndicatorValue, "qualifier", show_hidden_initial=True)
                qualifier.widget.attrs.update(
                    {"data-col": qualifier_field(year), "aria-label": f"{row_label}: {year} ({_('qualifier')})"}
                )
                self.fields[qualifier_field(year)] = qualifier
            self.fields[version_field(year)] = _version_field()
        self.years = years
        self.with_qualifier = with_qualifier

    def changed_years(self) -> list[int]:
        """The years whose value or qualifier the user changed; a qualifier chosen for an empty cell is not a change."""
        changed = set(self.changed_data)
        return [
            year
            for year in self.years
            if {value_field(year), qualifier_field(year)} & changed and not self._left_empty(year)
        ]

    def _left_empty(self, year: int) -> bool:
        """The value was empty when the user loaded the grid and is empty still."""
        name = self.add_prefix(value_field(year))
        seen, typed = self.data.get(self.add_initial_prefix(name), ""), self.data.get(name, "")
        return not str(seen).strip() and not str(typed).strip()


@dataclass
class ValueCell:
    year: int
    stored: IndicatorValue | None
    value: BoundField | None = None  # None: read-only
    qualifier: BoundField | None = None
    version: BoundField | None = None
    errors: list[str] = field(default_factory=list)
    conflict: bool = False

    @property
    def all_errors(self) -> list[str]:
        bound = [*(self.value.errors if self.value else []), *(self.qualifier.errors if self.qualifier else [])]
        return [*bound, *self.errors]

    @property
    def changed(self) -> bool:
        if self.value is None or not self.value.form.is_bound:
            return False
        return self.year in self.value.form.changed_years()


@dataclass
class IndicatorGridRow:
    plan_indicator: PlanIndicator
    form: IndicatorRowForm
    decision: Decision
    baselines: list[IndicatorValue | None]
    cells: list[ValueCell]
    read_only_note: ReadOnlyNote | None = None  # why the row is read only (said above the grid)

    @property
    def editable(self) -> bool:
        return bool(self.decision)

    def key(self, year: int) -> str:
        return f"{self.form.prefix}-{year}"


@dataclass
class IndicatorGridGroup:
    group: IndicatorGroup
    rows: list[IndicatorGridRow]


def indicator_years(plan: Plan, kind: str, stored: set[tuple[int, str]]) -> list[int]:
    """The grid's columns: the plan's years (and its orientation year for targets), and any year already used."""
    years = set(range(plan.first_year, plan.last_year + 1))
    if kind == ValueKind.TARGET and plan.orientation_year:
        years.add(plan.orientation_year)
    years |= {year for year, stored_kind in stored if stored_kind == kind}
    return sorted(years)


class IndicatorGrid:
    """A plan's indicators by dimension, one editable cell per year of the grid's kind (targets or results)."""

    def __init__(self, *, plan: Plan, checker: Checker, kind: str, data=None):
        self.plan, self.checker, self.kind, self.data = plan, checker, kind, data
        table = indicator_table(plan)
        self.years = indicator_years(plan, kind, set(table.years))
        self.baseline_years = [year for year, stored_kind in table.years if stored_kind == ValueKind.BASELINE]
        self.with_qualifier = kind == ValueKind.TARGET
        self.review = checker.review(Table.INDICATORS)
        self.groups = [
            IndicatorGridGroup(group, [self._row(row.plan_indicator) for row in group.rows]) for group in table.groups
        ]
        self.read_only_notes = read_only_notes(self.rows, "indicators")

    def _row(self, plan_indicator: PlanIndicator) -> IndicatorGridRow:
        stored = {(v.year, v.kind): v for v in plan_indicator.values.all()}
        initial = {}
        for year in self.years:
            value = stored.get((year, self.kind))
            # The value as the document printed it ("9,70"): the number field would drop a final zero.
            initial[value_field(year)] = format_printed(value.value_as_printed) if value else None
            initial[qualifier_field(year)] = value.qualifier if value else Qualifier.EXACTLY
            initial[version_field(year)] = value.version if value else 0
        form = IndicatorRowForm(
            self.data,
            prefix=f"i{plan_indicator.pk}",
            initial=initial,
            years=self.years,
            with_qualifier=self.with_qualifier,
            row_label=plan_indicator.text[:80],
        )
        decision = self.checker.can_edit_indicator(plan_indicator)
        cells = [
            ValueCell(
                year,
                stored.get((year, self.kind)),
                value=form[value_field(year)] if decision else None,
                qualifier=form[qualifier_field(year)] if decision and self.with_qualifier else None,
                version=form[version_field(year)] if decision else None,
            )
            for year in self.years
        ]
        baselines = [stored.get((year, ValueKind.BASELINE)) for year in self.baseline_years]
        return IndicatorGridRow(plan_indicator, form, decision, baselines, cells)

    @property
    def column_count(self) -> int:
        return len(self.baseline_years) + len(self.years) + 3

    @property
    def rows(self) -> list[IndicatorGridRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def entitled(self) -> bool:
        agencies = self.checker.scopes.agencies
        return self.checker.is_reviewer or any(row.plan_indicator.lead_agency_id in agencies for row in self.rows)

    @property
    def any_editable(self) -> bool:
        """Whether the user may change any row now: without one, the grid offers no save button."""
        return any(row.editable for row in self.rows)

    @property
    def reason_hint(self) -> bool:
        return any(row.editable for row in self.rows) and self.checker.reason_required(Table.INDICATORS)

    @property
    def changed_rows(self) -> list[IndicatorGridRow]:
        return [row for row in self.rows if row.form.changed_years()]

    def require_editable(self) -> None:
        for row in self.changed_rows:
            if not row.decision:
                raise PermissionDenied(row.decision.reason)

    def reason_required(self) -> bool:
        return bool(self.changed_rows) and self.checker.reason_required(Table.INDICATORS)

    def is_valid(self) -> bool:
        return all([row.form.is_valid() for row in self.changed_rows])

    def _values(self, row: IndicatorGridRow, year: int, extra: dict) -> dict:
        data = row.form.cleaned_data
        stored = next(cell.stored for cell in row.cells if cell.year == year)
        new = data.get(value_field(year))
        qualifier = data.get(qualifier_field(year)) or (stored.qualifier if stored else Qualifier.EXACTLY)
        # The service rewrites the value as written ("khoảng 2.050" → "khoảng 2.100") when the value changes.
        return {"value": new, "qualifier": qualifier, **extra}

    def edits(self, extra: dict) -> list[ValueEdit]:
        return [
            ValueEdit(
                key=row.key(year),
                plan_indicator=row.plan_indicator,
                year=year,
                kind=self.kind,
                values=self._values(row, year, extra),
                version=row.form.cleaned_data.get(version_field(year)),
            )
            for row in self.changed_rows
            for year in row.form.changed_years()
        ]

    def warnings(self, edits: list[ValueEdit]) -> list[SaveWarning]:
        """The data-quality findings saving `edits` would bring about (analysis.consequences, as the import's preview
        shows them) — a target against its indicator's direction: the person confirms them before anything is saved."""
        plan_indicators = [row.plan_indicator for row in self.rows]
        return indicator_consequences(plan_indicators, {(e.plan_indicator.pk, e.year, e.kind): e.values for e in edits})

    def check_rows(self) -> None:
        for row in self.changed_rows:
            if row.form.errors:
                continue
            for cell in row.cells:
                if cell.changed and row.form.cleaned_data.get(value_field(cell.year)) is not None:
                    instance = cell.stored or IndicatorValue(
                        plan_indicator=row.plan_indicator, year=cell.year, kind=self.kind
                    )
                    errors = _model_errors(instance, self._values(row, cell.year, {}))
                    cell.errors.extend(m for ms in errors.values() for m in ms)

    def show_result(self, result: EditResult, extra: dict) -> None:
        for row in self.changed_rows:
            for cell in row.cells:
                if not cell.changed:
                    continue
                cell.errors.extend(m for m in result.errors.get(row.key(cell.year), []) if m not in cell.all_errors)
                stored_version = cell.stored.version if cell.stored else 0
                if row.form.cleaned_data.get(version_field(cell.year)) != stored_version and self.data is not None:
                    cell.conflict = True
                    self.data[f"{row.form.prefix}-{version_field(cell.year)}"] = str(stored_version)

"""The history of a plan's figures, targets, duties and tasks: who changed what, when, old → new, and why.

Every change is recorded by django-simple-history (the grid, the admin and imports alike); this module
only reads those records. Four history tables are merged into one change log per plan — a UNION of
(kind, history id, date) that the database orders, filters and paginates — and the records of one page
are then read with the record before each (to diff against), a fixed number of queries whatever the
page size: the page and its count, then two queries per kind of record on the page.

The review screen (review.screen) reads here as well: the changes of each part of a table since its last
approval. History is evidence — shown, never edited.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import CharField, Count, F, Max, Value
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import IndicatorValue
from kernel.fields import CountField, MeasureField, RateField
from kernel.numbers import as_printed, format_count, format_measure, format_printed, format_rate, measure_as_printed
from plans.models import Duty, HouseholdFigure, Plan, PolicyTask

from .models import ReviewEvent

FIGURE, VALUE, DUTY, TASK = "figure", "value", "duty", "task"


@dataclass(frozen=True)
class HistoryKind:
    """One model whose history belongs to a plan."""

    code: str  # used in URLs and the filter
    model: type[models.Model]
    label: str
    plan_lookup: str  # from a history record to its plan
    identity: tuple[str, ...]  # fields that place the record (its plan, locality …): not shown as changes
    related: tuple[str, ...]  # select_related for the record's label

    @property
    def history_model(self):
        return self.model.history.model

    def history_of(self, plan: Plan):
        return self.history_model.objects.filter(**{self.plan_lookup: plan})

    def subject(self, record) -> str:
        """The record as a person names it: “Huyện Phù Cừ — 2024 (target)”."""
        if self.code == FIGURE:
            locality = record.locality.name if record.locality else f"#{record.locality_id}"
            return f"{locality} — {record.year} ({record.get_kind_display()})"
        if self.code == VALUE:
            text = Truncator(record.plan_indicator.text).chars(90) if record.plan_indicator else "?"
            return f"{text} — {record.year} ({record.get_kind_display()})"
        if self.code == DUTY:
            agency = record.responsibility.agency.display_name if record.responsibility else "?"
            return f"{agency}: {record.marker} {Truncator(record.text).chars(90)}".replace("  ", " ")
        return f"{record.number}. {Truncator(record.text).chars(90)}".lstrip(". ")


KINDS: dict[str, HistoryKind] = {
    kind.code: kind
    for kind in (
        HistoryKind(
            FIGURE,
            HouseholdFigure,
            gettext_lazy("Household figure"),
            "plan",
            ("plan", "locality"),
            ("locality", "history_user"),
        ),
        HistoryKind(
            VALUE,
            IndicatorValue,
            gettext_lazy("Indicator value"),
            "plan_indicator__plan",
            ("plan_indicator",),
            ("plan_indicator", "history_user"),
        ),
        HistoryKind(
            DUTY,
            Duty,
            gettext_lazy("Agency duty"),
            "responsibility__plan",
            ("responsibility",),
            ("responsibility__agency", "history_user"),
        ),
        HistoryKind(TASK, PolicyTask, gettext_lazy("Policy task"), "plan", ("plan",), ("history_user",)),
    )
}

ACTION_LABELS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}

# The reason the seeding gives the records of a plan's first load (seeding.seeds; a data migration marked the
# older ones): the load is one entry of the change log, “dữ liệu ban đầu”, not one per figure, and it is no change
# since an approval.
INITIAL_LOAD = "initial load"
INITIAL, REVIEW = "initial", "review"  # change-log rows that are not one record of a history table
NOT_INITIAL = ~models.Q(history_change_reason=INITIAL_LOAD)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    kind: HistoryKind
    record: models.Model  # the historical record
    changes: list[FieldChange] = field(default_factory=list)

    has_object_page = True

    @property
    def object_id(self) -> int:
        return self.record.id

    @property
    def history_id(self) -> int:
        return self.record.history_id

    @property
    def subject(self) -> str:
        return self.kind.subject(self.record)

    @property
    def action(self) -> str:
        return self.record.history_type

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.record.history_type, self.record.history_type))

    @property
    def at(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def user(self) -> str:
        return person_label(self.record.history_user)

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""


# --- who acted ------------------------------------------------------------------------------------


def _units(user) -> list[str]:
    """The units a user acts for (their district, agency or reviewed province), read once per user object."""
    cached = getattr(user, "_workflow_units", None)
    if cached is None:
        from .models import RoleAssignment

        cached = []
        for assignment in RoleAssignment.objects.filter(user=user).select_related("province", "locality", "agency"):
            unit = assignment.locality or assignment.agency or assignment.province
            name = getattr(unit, "display_name", None) or (unit.name if unit is not None else "")
            if name and name not in cached:
                cached.append(name)
        if not cached and user.is_superuser:
            cached.append(str(_("administrator")))
        user._workflow_units = cached
    return cached


def person_label(user) -> str:
    """The one way the application names who acted: the account, with their unit in brackets
    (“phucu (Huyện Phù Cừ)”); a change without an account is the system's (an import by the operator, the seeds)."""
    if user is None:
        return _("an import or the system")
    units = _units(user)
    return f"{user.get_username()} ({', '.join(units)})" if units else user.get_username()


def prefetch_units(users) -> None:
    """Read the units of many users at once (one query), for a page that names many of them."""
    from .models import RoleAssignment

    users = [user for user in users if user is not None and getattr(user, "_workflow_units", None) is None]
    if not users:
        return
    found: dict[int, list[str]] = {user.pk: [] for user in users}
    for assignment in RoleAssignment.objects.filter(user__in=users).select_related("province", "locality", "agency"):
        unit = assignment.locality or assignment.agency or assignment.province
        name = getattr(unit, "display_name", None) or (unit.name if unit is not None else "")
        if name and name not in found[assignment.user_id]:
            found[assignment.user_id].append(name)
    for user in users:
        units = found[user.pk]
        if not units and user.is_superuser:
            units = [str(_("administrator"))]
        user._workflow_units = units


# --- reading records with the record before each ---------------------------------------------------


def _display(model, name: str, value, labels: dict) -> str:
    """A stored value as a person reads it: 7.540, 2,27, 03/01/2024, the choice's label, the related name."""
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return labels.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, CountField):
        return format_count(value)
    if isinstance(model_field, RateField):
        return format_rate(value)
    if isinstance(model_field, MeasureField):
        return format_printed(value)  # as printed: `_value` gives it the decimals the document printed
    if isinstance(model_field, models.DecimalField):
        return format_measure(value)
    if isinstance(model_field, models.DateField):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _shown_fields(kind: HistoryKind) -> list[str]:
    history_model = kind.history_model
    return [
        f.name
        for f in history_model.tracked_fields
        if f.editable and f.name not in kind.identity and not f.primary_key and f.name != "id"
    ]


def _raw_changes(kind: HistoryKind, record, previous) -> list[tuple[str, object, object]]:
    """(field, old, new) of one record against the one before it (creation: against nothing)."""
    names = _shown_fields(kind)
    if record.history_type == "-":
        return [(n, _value(kind, record, n), None) for n in names if _filled(record, kind, n)]
    if previous is None:
        return [(n, None, _value(kind, record, n)) for n in names if _filled(record, kind, n)]
    delta = record.diff_against(previous, included_fields=names)
    changed = {change.field for change in delta.changes}
    return [(n, _value(kind, previous, n), _value(kind, record, n)) for n in names if n in changed]


def _value(kind: HistoryKind, record, name: str):
    """A recorded value; a published rate with the decimals the document printed it with ("1,2")."""
    value = getattr(record, _attname(kind, name))
    if name == "published_rate" and kind.code == FIGURE:
        return as_printed(value, getattr(record, "published_rate_places", None))
    if name == "value" and kind.code == VALUE:
        return measure_as_printed(value, getattr(record, "value_places", None))  # "9,70", "100"
    return value


def _attname(kind: HistoryKind, name: str) -> str:
    return kind.model._meta.get_field(name).attname


def _filled(record, kind: HistoryKind, name: str) -> bool:
    return getattr(record, _attname(kind, name)) not in (None, "")


def entries_by_history_id(kind: HistoryKind, wanted: set[int], upto: datetime.datetime) -> dict[int, ChangeEntry]:
    """The entries of the wanted history ids (one query, with every earlier record of the same objects)."""
    if not wanted:
        return {}
    history_model = kind.history_model
    objects = history_model.objects.filter(history_id__in=wanted).values("id")
    records = list(
        history_model.objects.filter(id__in=objects, history_date__lte=upto)
        .select_related(*kind.related)
        .order_by("id", "history_date", "history_id")
    )
    raw: dict[int, tuple] = {}
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if record.history_id in wanted:
            raw[record.history_id] = (record, _raw_changes(kind, record, previous))
        previous = record
    labels = _related_labels(kind, [change for _record, changes in raw.values() for change in changes])
    return {
        history_id: ChangeEntry(
            kind,
            record,
            [
                FieldChange(
                    str(kind.model._meta.get_field(name).verbose_name).capitalize(),
                    _display(kind.model, name, old, labels),
                    _display(kind.model, name, new, labels),
                )
                for name, old, new in changes
            ],
        )
        for history_id, (record, changes) in raw.items()
    }


def _related_labels(kind: HistoryKind, changes) -> dict:
    """Names of the related objects a change points to (a task's lead agency): one query per related model."""
    wanted = defaultdict(set)
    for name, old, new in changes:
        model_field = kind.model._meta.get_field(name)
        if model_field.is_relation:
            # A key may point at another field than the primary key (a figure's poverty standard, by its code).
            target = model_field.target_field.attname
            wanted[model_field.related_model, target] |= {v for v in (old, new) if v is not None}
    return {
        (model, getattr(obj, target)): str(obj)
        for (model, target), values in wanted.items()
        for obj in model._default_manager.filter(**{f"{target}__in": values})
    }


# --- the change log of a plan ---------------------------------------------------------------------


NO_USER = "none"  # the filter value for changes without a user (imports, the seeds)


def change_log(
    plan: Plan,
    *,
    kind: str | None = None,
    user: str | int | None = None,
    locality=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """The plan's history, newest first, as rows {record_kind, history_id, history_date}.

    A queryset (one UNION over the four history tables, the review steps and the initial load): paginate it, then
    read a page with `entries`. The initial load is one row (its last record), review steps one row each. The
    locality filter keeps household figures and the review steps of that district — the rest is the province's.
    """
    parts = []
    for code, history_kind in KINDS.items():
        if (kind and code != kind) or (locality is not None and code != FIGURE):
            continue
        records = _filtered(history_kind.history_of(plan), locality, user, date_from, date_to)
        # No ordering inside the UNION (SQLite refuses it); the combined query is ordered below.
        parts.append(
            records.filter(NOT_INITIAL)
            .order_by()
            .annotate(record_kind=Value(code, output_field=CharField()))
            .values("record_kind", "history_id", "history_date")
        )
    if kind in (None, "", REVIEW):
        events = _filtered(
            ReviewEvent.objects.filter(review__plan=plan),
            locality,
            user,
            date_from,
            date_to,
            fields=("review__locality", "user", "at"),
        )
        parts.append(
            events.order_by()
            .annotate(record_kind=Value(REVIEW, output_field=CharField()), history_id=F("pk"), history_date=F("at"))
            .values("record_kind", "history_id", "history_date")
        )
    if kind in (None, "", INITIAL) and locality is None and user in (None, "", NO_USER):
        for history_kind in KINDS.values():  # the load's row stands for all of it; taken from the first kind it has
            initial = _filtered(history_kind.history_of(plan), None, None, date_from, date_to).filter(
                history_change_reason=INITIAL_LOAD
            )
            if initial.exists():
                parts.append(
                    initial.order_by()
                    .values(history_kind.plan_lookup)
                    .annotate(
                        record_kind=Value(INITIAL, output_field=CharField()),
                        last_id=Max("history_id"),
                        last_date=Max("history_date"),
                    )
                    .values("record_kind", "last_id", "last_date")
                )
                break
    if not parts:
        return HouseholdFigure.history.none().values("history_id", "history_date")
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-record_kind", "-history_id")


def _filtered(records, locality, user, date_from, date_to, fields=("locality", "history_user", "history_date")):
    """The history's filters on `records`; `fields` names their locality, user and date (history records by default,
    review events by theirs)."""
    locality_field, user_field, date_field = fields
    if locality is not None:
        records = records.filter(**{locality_field: locality})
    if user == NO_USER:
        records = records.filter(**{f"{user_field}__isnull": True})
    elif user:
        records = records.filter(**{f"{user_field}_id": user})
    if date_from:
        records = records.filter(**{f"{date_field}__date__gte": date_from})
    if date_to:
        records = records.filter(**{f"{date_field}__date__lte": date_to})
    return records


class InitialLoadEntry:
    """The plan's first load (the seed documents), as one entry: how many records of each kind it created."""

    action = "+"
    reason = ""
    kind = HistoryKind(INITIAL, Plan, gettext_lazy("Initial data"), "", (), ())
    has_object_page = False

    def __init__(self, plan: Plan, at: datetime.datetime, history_id: int):
        self.plan, self.at, self.history_id = plan, at, history_id

    @property
    def subject(self) -> str:
        return _("Initial data (the plan as the document publishes it)")

    @property
    def action_label(self) -> str:
        return _("loaded")

    @property
    def user(self) -> str:
        return person_label(None)

    @cached_property
    def changes(self) -> list[FieldChange]:
        """How many records of each kind the load created: one query (a UNION of four counts)."""
        parts = [
            history_kind.history_of(self.plan)
            .filter(history_change_reason=INITIAL_LOAD)
            .order_by()
            .values(history_kind.plan_lookup)
            .annotate(code=Value(code, output_field=CharField()), count=Count("history_id"))
            .values("code", "count")
            for code, history_kind in KINDS.items()
        ]
        counts = dict(parts[0].union(*parts[1:], all=True).values_list("code", "count"))
        return [
            FieldChange(str(history_kind.label), "", format_count(counts[code]))
            for code, history_kind in KINDS.items()
            if counts.get(code)
        ]


class ReviewStepEntry:
    """A step of the review (submitted, returned, approved, reopened) in the change log."""

    action = "~"
    kind = HistoryKind(REVIEW, ReviewEvent, gettext_lazy("Review"), "review__plan", (), ())
    has_object_page = False

    def __init__(self, event: ReviewEvent):
        self.event = event
        self.at = event.at
        self.history_id = event.pk

    @property
    def subject(self) -> str:
        review = self.event.review
        return f"{review.get_table_display()}{f' — {review.locality.name}' if review.locality_id else ''}"

    @property
    def action_label(self) -> str:
        return self.event.get_to_state_display()

    @property
    def user(self) -> str:
        return person_label(self.event.user)

    @property
    def reason(self) -> str:
        return self.event.comment

    @property
    def changes(self) -> list[FieldChange]:
        state = str(_("Review state"))
        return [FieldChange(state, self.event.get_from_state_display(), self.event.get_to_state_display())]


def entries(rows, plan: Plan | None = None) -> list:
    """The rows of a change-log page as entries, in the rows' order: two queries per kind on the page."""
    rows = list(rows)
    wanted: dict[str, set[int]] = defaultdict(set)
    upto: dict[str, datetime.datetime] = {}
    for row in rows:
        code = row.get("record_kind", FIGURE)
        wanted[code].add(row["history_id"])
        upto[code] = max(upto.get(code, row["history_date"]), row["history_date"])
    found = {code: entries_by_history_id(KINDS[code], ids, upto[code]) for code, ids in wanted.items() if code in KINDS}
    if wanted.get(REVIEW):
        events = ReviewEvent.objects.filter(pk__in=wanted[REVIEW]).select_related("review__locality", "user")
        found[REVIEW] = {event.pk: ReviewStepEntry(event) for event in events}
    if wanted.get(INITIAL):
        found[INITIAL] = {
            row["history_id"]: InitialLoadEntry(plan, row["history_date"], row["history_id"])
            for row in rows
            if row.get("record_kind") == INITIAL
        }
    result = [found[row.get("record_kind", FIGURE)][row["history_id"]] for row in rows]
    prefetch_units(
        [entry.record.history_user for entry in result if isinstance(entry, ChangeEntry)]
        + [entry.event.user for entry in result if isinstance(entry, ReviewStepEntry)]
    )
    return result


def change_log_users(plan: Plan) -> list:
    """The people who changed something in the plan (for the filter): two queries."""
    from django.contrib.auth import get_user_model

    parts = [kind.history_of(plan).order_by().values("history_user_id") for kind in KINDS.values()]
    ids = {row["history_user_id"] for row in parts[0].union(*parts[1:])} - {None}
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def object_history(plan: Plan, code: str, pk: int) -> list[ChangeEntry]:
    """Every record of one figure, value, duty or task of the plan, newest first (empty when not the plan's)."""
    kind = KINDS[code]
    records = kind.history_of(plan).filter(id=pk)
    wanted = set(records.values_list("history_id", flat=True))
    if not wanted:
        return []
    newest = records.order_by("-history_date").values_list("history_date", flat=True)[0]
    found = entries_by_history_id(kind, wanted, newest)
    return sorted(found.values(), key=lambda entry: (entry.at, entry.history_id), reverse=True)

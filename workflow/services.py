"""Writes of figures, indicator values and review states: the grid, the admin and imports call these.

Every write is checked by the one permission check (workflow.permissions), validated by the model's
full_clean(), refused when it started from an older version or other values than the stored ones (no
update is ever lost silently), recorded in the history with who, when and why, and done in one
transaction. An indicator value's wording as written follows its new value here, whoever changes it.
"""

import contextlib
import datetime
import functools
import io
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.utils import CursorDebugWrapper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.models import IndicatorValue, PlanIndicator
from kernel.numbers import (
    format_count,
    format_decimal,
    format_printed,
    format_rate,
    rate_following_counts,
    rates_disagree,
    written_places,
)
from kernel.text import clean_input, clean_model_text
from localities.models import Locality
from plans.models import (
    RULE_ATTRIBUTES,
    UNVALIDATED_FIELDS,
    AppendixRow,
    FigureKind,
    HouseholdFigure,
    Plan,
    ReportingObligation,
)

from . import revisions
from .models import ReviewEvent, ReviewState, Table, TableReview
from .permissions import Action, Checker, Decision, require

FIGURE_FIELDS = ("households", "poor_households", "near_poor_households", "published_rate", "planned_reduction")
VALUE_FIELDS = ("value", "qualifier")
RESULT_FIELDS = ("source", "source_date")


@dataclass
class Conflict:
    """Someone saved the same figure after the caller read it: the stored version is newer than the one the
    caller started from, or a stored value is not the one the caller saw (`expected`, e.g. an import's preview).
    """

    key: str  # the caller's key of the edit, so that the conflict can be shown where that edit came from
    label: str
    their_values: dict  # the stored values, for the message: field's name → value as shown
    their_user: str
    their_time: datetime.datetime | None
    stored: dict = field(default_factory=dict)  # field → stored value, for each expected value that differs

    @property
    def message(self) -> str:
        values = ", ".join(f"{name}: {value}" for name, value in self.their_values.items())
        when = date_format(timezone.localtime(self.their_time), "SHORT_DATETIME_FORMAT") if self.their_time else "?"
        where = {"label": self.label, "user": self.their_user, "time": when, "values": values}
        if self.stored:
            return (
                _(
                    "%(label)s was changed by %(user)s at %(time)s, after the preview (now %(values)s): nothing was "
                    "written. Upload the file again to see the current differences."
                )
                % where
            )
        return (
            _(
                "%(label)s was changed by %(user)s at %(time)s while you were editing (now %(values)s). "
                "Your change was not saved; look at the new value and enter yours again."
            )
            % where
        )


@dataclass
class EditResult:
    changed: int = 0
    errors: dict = field(default_factory=dict)  # key (the caller's cell or row key) → list of messages
    # The messages of `errors` that concern one field of the edit, key → field → messages, so that a caller
    # can show each under its cell; the others (a reason is missing, a rule across fields) concern the row.
    field_errors: dict = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts

    def add_error(self, key: str, message: str, field_name: str | None = None) -> None:
        self.errors.setdefault(key, []).append(message)
        if field_name is not None:
            self.field_errors.setdefault(key, {}).setdefault(field_name, []).append(message)

    def add_invalid(self, key: str, error: ValidationError) -> None:
        """The messages of a model's full_clean(), each under its field."""
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_error(key, message, None if name == NON_FIELD_ERRORS else name)


class EditRefused(Exception):
    """Raised inside the transaction so that nothing of a refused batch is written."""

    def __init__(self, result: EditResult):
        self.result = result
        super().__init__("edit refused")


class EditForbidden(PermissionDenied):
    """The user may not make one of the edits (the batch is refused whole); `key` names that edit."""

    def __init__(self, reason: str, *, key: str):
        super().__init__(reason)
        self.key = key


def _require(decision: Decision, key: str) -> None:
    if not decision:
        raise EditForbidden(decision.reason, key=key)


@dataclass
class FigureEdit:
    """One row of a grid or an import: the figure of (locality, year, kind), its new values, what the caller saw.

    `version` is the version the caller read (None: it did not read the row first); `expected` gives, field by
    field, the value the caller saw (an import's preview). Either differing from what is stored is a Conflict.
    """

    key: str
    locality: Locality
    year: int
    kind: str
    values: dict
    version: int | None = None
    expected: dict | None = None


@dataclass
class ValueEdit:
    """As FigureEdit, for an indicator value. Its value as written follows a new value unless `values` sets it."""

    key: str
    plan_indicator: PlanIndicator
    year: int
    kind: str
    values: dict
    version: int | None = None
    expected: dict | None = None


def _last_change(obj) -> tuple[str, datetime.datetime | None]:
    record = obj.history.order_by("-history_date").first() if obj is not None else None
    if record is None:
        return _("someone"), None
    return (str(record.history_user) if record.history_user else _("an import or the system")), record.history_date


def _display(value) -> str:
    """A stored figure in a message as the pages show it: a count grouped, a rate or a value as printed
    (`_printed`: "1,2", "9,70", "100"), never padded to two decimals."""
    if value is None or value == "":
        return "—"
    return format_count(value) if isinstance(value, int) else format_printed(value)


def _printed(obj, name: str):
    """The stored figure `name` of `obj` with the decimals the document printed it with (a rate "1,2", a value
    "9,70"): `published_rate_as_printed`, `value_as_printed`; any other field as stored."""
    return getattr(obj, f"{name}_as_printed", getattr(obj, name))


def _outdated(obj, edit: FigureEdit | ValueEdit) -> dict | None:
    """None when the edit starts from what is stored; otherwise the stored values the caller did not see.

    That is field → stored value for each `expected` value that differs (an object not stored has none of
    its values), or {} when only the version is newer than the one the caller read.
    """
    if edit.version is None and edit.expected is None:
        # The caller did not say what it read (a grid post stripped of its version field): it cannot show that it
        # started from what is stored, so an existing figure is not overwritten — refused as stale, as a conflict.
        return {} if obj is not None else None
    stale = {}
    for name, seen in (edit.expected or {}).items():
        stored = _printed(obj, name) if obj is not None else None
        if stored != seen:  # numbers compare by value: 30009 == Decimal("30009"), Decimal("1.2") == Decimal("1.20")
            stale[name] = stored
    if stale:
        return stale
    if edit.version is not None and obj is not None and obj.version != edit.version:
        return {}
    return None


def _conflict(edit, obj, label: str, their_values: dict, stale: dict) -> Conflict:
    who, when = _last_change(obj)
    return Conflict(key=edit.key, label=label, their_values=their_values, their_user=who, their_time=when, stored=stale)


def _needs_reason(checker: Checker, table: str, locality_id: int | None, reason: str) -> bool:
    return checker.reason_required(table, locality_id) and not reason.strip()


def reason_required_message() -> str:
    """What a change to a reopened table without a reason is told (the grid, the import and the admin alike)."""
    return _("This table was approved and reopened: give a reason for the change.")


# The history's mark of a save whose warnings (analysis.consequences) the person read and confirmed: the quality page
# tells the figures saved so from those as published by it. A sign, not a word: the reason is written in the language
# of whoever saved.
WARNINGS_CONFIRMED = "⚠"
_WARNINGS_RECORDED = 5  # each history record repeats them: a national import's thousands are counted, not copied


def with_confirmed_warnings(origin: str, warnings: list[str]) -> str:
    """`origin` followed by the warnings the person confirmed before saving (“⚠ 2 warnings confirmed: …”)."""
    if not warnings:
        return origin
    shown = "; ".join(str(warning) for warning in warnings[:_WARNINGS_RECORDED])
    if len(warnings) > _WARNINGS_RECORDED:
        shown += " " + _("… and %(count)s more") % {"count": len(warnings) - _WARNINGS_RECORDED}
    confirmed = f"{WARNINGS_CONFIRMED} " + ngettext(
        "%(count)s warning confirmed: %(warnings)s", "%(count)s warnings confirmed: %(warnings)s", len(warnings)
    ) % {"count": len(warnings), "warnings": shown}
    return f"{origin}; {confirmed}" if origin else confirmed


def confirms_warnings(history_reason: str | None) -> bool:
    """Whether a history record's reason says that its save was made with warnings the person confirmed."""
    return WARNINGS_CONFIRMED in (history_reason or "")


def _history_reason(reason: str, origin: str) -> str:
    """The history's “why”: the user's reason, followed by where the change came from (an import's file)."""
    reason = clean_input(reason).strip()
    return f"{reason} ({origin})" if reason and origin else reason or origin


def _save_all(checker: Checker, objects: list, reason: str, origin: str) -> int:
    """Save the validated objects and their history records: a few statements, whatever their number.

    One save() each (and one history insert each, through the history's signal) took a millisecond per figure:
    ten seconds for an import of a commune table. The same rows and the same history records (who, when, why,
    “+” for a new row and “~” for a change) are written in batches instead.
    """
    if not objects:
        return 0
    model = type(objects[0])
    for obj in objects:
        clean_model_text(obj)  # bulk writes skip pre_save: the text is made NFC here as every save makes it
        # The version moves on with every save, so an editor who read the older one cannot overwrite it.
        obj.version = (obj.version or 0) + 1 if obj.pk else 1
        obj._change_reason = _history_reason(reason, origin)  # django-simple-history: why, beside who and when
        obj._history_user = checker.history_user
    created = [obj for obj in objects if obj.pk is None]
    changed = [obj for obj in objects if obj.pk is not None]
    if created:
        model.objects.bulk_create(created, batch_size=_BATCH)
        _insert_history(model, created, "+")
    if changed:
        _update_rows(model, changed, _written_fields(changed))
        _insert_history(model, changed, "~")
    return len(objects)


# The columns django-simple-history adds to a history table beside the tracked ones: its key, and what each record says.
_HISTORY_VALUES = ("history_date", "history_change_reason", "history_type", "history_user")
_HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


def _insert_history(model, objects: list, history_type: str) -> None:
    """The history records of the written objects — every tracked value, who, when, why, “+” new or “~” changed —
    exactly the rows django-simple-history's bulk_history_create writes (a test compares them), in one plain
    `INSERT … VALUES (…), (…)` per batch.

    bulk_history_create builds a model instance per record and lets Django's bulk_create compile each of their
    values (on SQLite in batches of about 50, its limit of parameters per statement as Django counts it): 40 % of the
    commit of a 10.000-row import. A history with columns of its own (none here) is left to bulk_history_create.
    """
    history = model.history.model
    tracked = [f.attname for f in history.tracked_fields]
    fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    if {f.attname for f in fields} | {"history_id"} != set(tracked) | _HISTORY_COLUMNS:
        model.history.bulk_history_create(objects, batch_size=_BATCH, update=history_type == "~")
        return
    connection = connections[router.db_for_write(history)]
    now = timezone.now()  # one moment for the whole write
    # Who, when, why and how are the same for most records of a write: each distinct value is converted once (the
    # moment's conversion to the database's time zone was a tenth of the commit of a 10.000-row import).
    prepared: dict[tuple[str, object], object] = {}

    def once(name: str, value):
        if (name, value) not in prepared:
            prepared[name, value] = history._meta.get_field(name).get_db_prep_save(value, connection)
        return prepared[name, value]

    tracked_fields = [f for f in fields if f.attname in tracked]
    columns = [(f.attname, _preparer(f, connection)) for f in tracked_fields]
    rows = []
    for obj in objects:
        user = getattr(obj, "_history_user", None)
        row = [prepare(getattr(obj, name)) for name, prepare in columns]
        row += [
            once("history_date", now),
            once("history_change_reason", getattr(obj, "_change_reason", "") or ""),
            once("history_type", history_type),
            once("history_user", user.pk if user is not None else None),
        ]
        rows.append(row)
    fields = [*tracked_fields, *(history._meta.get_field(name) for name in _HISTORY_VALUES)]
    quote = connection.ops.quote_name
    table, names = quote(history._meta.db_table), ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql" and _copy_rows(connection, f"{table} ({names})", rows):
        return
    _execute_in_batches(connection, lambda values: f"INSERT INTO {table} ({names}) VALUES {values}", rows)


def _copy_text(value) -> str:
    """A value as a field of PostgreSQL's COPY text format: `\\N` for NULL, a backslash before each special
    character; TypeError for a type it does not know (the caller then inserts the rows as parameters)."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind in (int, Decimal):
        return str(value)
    if kind in (datetime.datetime, datetime.date):
        return value.isoformat()  # an aware moment says its offset: the server reads it as that instant
    raise TypeError(kind)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_rows(connection, target: str, rows: list[list]) -> bool:
    """Write `rows` (each its parameters, converted by their fields) into `target` (“table (columns)”) with one
    `COPY … FROM STDIN` on PostgreSQL: the server loads the rows without parsing a statement of 10.000 parameters
    per batch, and psycopg2 quotes none of them. False, having written nothing, when a value is not one of the
    plain types COPY's text format is written for here."""
    try:
        text = "".join(["\t".join([_copy_text(value) for value in row]) + "\n" for row in rows])
    except TypeError:
        return False
    sql = f"COPY {target} FROM STDIN"

    def copy(sql, params, many, context):
        with connection.wrap_database_errors:  # an IntegrityError as Django raises it, as for any statement
            return context["cursor"].cursor.copy_expert(sql, io.StringIO(text))

    with connection.cursor() as cursor:
        # Through the connection's execute wrappers, and in its log of queries where it keeps one, as a statement.
        logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else contextlib.nullcontext()
        with logged:
            cursor._execute_with_wrappers(sql, None, False, executor=copy)
    return True


def _execute_in_batches(connection, statement, rows: list[list]) -> None:
    """Run `statement(values)` once per batch of `rows` (each a row's parameters), `values` being the batch's
    “(%s, %s, …), (…)”: _BATCH rows, or fewer where the database limits a statement's parameters (SQLite: the
    library's own limit; PostgreSQL: none)."""
    width = len(rows[0])
    row = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        limit = _parameter_limit(connection)
        size = max(1, min(_BATCH, limit // width)) if limit else _BATCH
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(statement(", ".join([row] * len(batch))), [value for values in batch for value in values])


def _preparer(field, connection):
    """A function giving what `field.get_db_prep_save(value, connection)` gives, cheaper for the plain columns of a
    batched write (20.000 history records of 17 values, 10.000 updated figures): an int in an integer column and a
    str in a text column are what Django's conversions return unchanged — checked here against the methods of the
    field and of the database's operations in force, else every value takes the field's own conversion — and a
    foreign key's ids are converted once each."""
    convert = field.get_db_prep_save
    cls = type(field)
    plain_save = cls.get_db_prep_save is models.Field.get_db_prep_save
    as_is = None
    if (
        plain_save
        and isinstance(field, models.IntegerField)
        and cls.get_prep_value is models.IntegerField.get_prep_value
        and cls.get_db_prep_value is models.IntegerField.get_db_prep_value
        and type(connection.ops).adapt_integerfield_value is BaseDatabaseOperations.adapt_integerfield_value
    ):
        as_is = int
    elif (
        plain_save
        and isinstance(field, models.CharField | models.TextField)
        and cls.get_prep_value in (models.CharField.get_prep_value, models.TextField.get_prep_value)
        and cls.to_python in (models.CharField.to_python, models.TextField.to_python)
        and cls.get_db_prep_value is models.Field.get_db_prep_value
    ):
        as_is = str
    if as_is is not None:
        return lambda value: value if value is None or type(value) is as_is else convert(value, connection)
    if isinstance(field, models.ForeignKey):
        converted = {}

        def once(value):
            if type(value) not in (int, str):
                return convert(value, connection)
            key = (type(value), value)
            if key not in converted:
                converted[key] = convert(value, connection)
            return converted[key]

        return once
    return lambda value: convert(value, connection)


def _parameter_limit(connection) -> int | None:
    """The parameters one statement may take. Django 5.2 assumes SQLite's old default, 999, for every build: the
    library says its own (250.000 in Debian's 3.40, 32.766 by default since 3.32), so that 10.000 history records
    take 20 statements rather than 200."""
    if connection.vendor == "sqlite":
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params


def _written_fields(objects: list) -> list[str]:
    """The columns the edits set (the fields given, the rate or wording that follows them, the version): an UPDATE
    of only those, so that a figure's other columns are never written back from what was read."""
    names = {"version"}
    for obj in objects:
        names |= set(getattr(obj, "_written_fields", ())) or {
            f.name for f in obj._meta.concrete_fields if not f.primary_key
        }
    return sorted(names)


def _update_rows(model, objects: list, fields: list[str]) -> None:
    """UPDATE the given columns of each object: one statement per batch, on SQLite and PostgreSQL alike.

    The statement (`_update_from_values`) is the one the write rules allow beside Django's bulk_update: the batch's
    rows as a table of VALUES, joined to the model's table by primary key. bulk_update writes one CASE per column
    over a batch, which SQLite evaluates row by row (13 s for the 10.000 figures of a commune table); psycopg2's
    executemany sends each row on its own (3,5 s). A database without UPDATE … FROM gets bulk_update.
    """
    connection = connections[router.db_for_write(model)]
    if not _updates_from_values(connection):
        model.objects.bulk_update(objects, fields, batch_size=100)
        return
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    # Every value passes through its field's own conversion, as save() would write it, and only as a parameter.
    preparers = [(f.attname, _preparer(f, connection)) for f in columns]
    rows = [[prepare(getattr(obj, name)) for name, prepare in preparers] for obj in objects]
    _execute_in_batches(connection, lambda values: _update_from_values(connection, model, columns, values), rows)


def _updates_from_values(connection) -> bool:
    """UPDATE … FROM: PostgreSQL, and SQLite since 3.33 (Debian 12 has 3.40)."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 33)


def _update_from_values(connection, model, fields: list, values: str) -> str:
    """`UPDATE table SET col = v.column2, … FROM (VALUES (%s, %s, …), …) AS v WHERE table.pk = v.column1`, for the
    `fields` of a model, its primary key first, and the `values` of a batch.

    The SQL text holds nothing but column names quoted by Django: every value is a parameter. Both databases name
    the columns of VALUES column1, column2, … (SQLite takes no column list after the alias). On PostgreSQL each
    value is cast to its column's type: VALUES carries none, and a NULL would otherwise be text; SQLite's columns
    convert what they store by their affinity, as for any UPDATE.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)

    def value(position: int) -> str:  # the VALUES column of fields[position]
        name = f"v.column{position + 1}"
        return f"{name}::{fields[position].db_type(connection)}" if connection.vendor == "postgresql" else name

    assignments = ", ".join(f"{quote(f.column)} = {value(i)}" for i, f in enumerate(fields) if i)
    return (
        f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "
        f"WHERE {table}.{quote(fields[0].column)} = {value(0)}"
    )


_BATCH = 500


def _lock_reviews(checker: Checker, plan: Plan, table: str, edits: list) -> None:  # edits: anything with .locality
    """Re-read the review state of the parts the edits touch, locking their rows until the transaction ends.

    review_transition locks the same row before it approves, so a save and an approval of the same rows are
    serialised: a save that started before the approval either commits first, or waits and then meets the lock.
    """
    reviews = TableReview.objects.select_for_update(of=("self",)).filter(plan=plan, table=table)
    if table == Table.DISTRICTS:
        reviews = reviews.filter(locality__in={edit.locality.pk for edit in edits})
    locked = {(review.table, review.locality_id): review for review in reviews.select_related("changed_by")}
    checker._reviews = {**checker._reviews, **locked}


def _write(
    apply, *, user, plan: Plan, edits: list, reason: str, origin: str, checker, dry_run: bool, confirmed_warnings=()
) -> EditResult:
    checker = checker or Checker(user, plan)
    origin = with_confirmed_warnings(origin, list(confirmed_warnings))
    try:
        with transaction.atomic():
            if edits:
                table = Table.DISTRICTS if isinstance(edits[0], FigureEdit) else Table.INDICATORS
                _lock_reviews(checker, plan, table, edits)
            result = apply(checker, plan, edits, reason, origin)
            if not result.ok or dry_run:
                raise EditRefused(result)
            if result.changed:
                # The figures were written in bulk (no model signals): the plan's pages change in this transaction.
                revisions.advance_plans([plan.pk])
            return result
    except EditRefused as refused:
        return refused.result


def save_figures(
    *,
    user,
    plan: Plan,
    edits: list[FigureEdit],
    reason: str = "",
    origin: str = "",
    checker: Checker | None = None,
    dry_run=False,
    confirmed_warnings: Sequence[str] = (),
) -> EditResult:
    """Validate every edit, then write all of them in one transaction — or none, with the errors per key.

    `user` None is the server's operator (a command run without an account; see workflow.permissions).
    `reason` is the user's own reason, required once a table was approved and reopened; `origin` says where
    the change comes from (“import of phu-luc.xlsx”) and follows the reason in the history. A user without
    the right to one of the edits is refused with EditForbidden (a PermissionDenied) naming its key.
    `dry_run` validates exactly as a save would (permissions, locks, versions, model rules) and writes
    nothing: forms call it in clean() to show the errors next to their fields. `confirmed_warnings` are the
    warnings of the save (analysis.consequences) the person read and confirmed: the history records them.
    """
    return _write(
        _apply_figure_edits,
        user=user,
        plan=plan,
        edits=edits,
        reason=reason,
        origin=origin,
        checker=checker,
        dry_run=dry_run,
        confirmed_warnings=confirmed_warnings,
    )


def _figure_values(figure: HouseholdFigure | None, names) -> dict:
    return {
        str(HouseholdFigure._meta.get_field(name).verbose_name): _display(_printed(figure, name) if figure else None)
        for name in names
        if name in FIGURE_FIELDS
    }


def _with_places(values: dict, obj, name: str, places_name: str) -> dict:
    """The edit's values with the decimals its figure was written with (a rate “1,2” → 1, a value “9,70” → 2): the
    figure is shown back as typed, in the pages, the workbook and the downloads. A figure cleared clears its places.

    A figure equal to the stored one keeps the stored places: a form that shows 1,20 as “1,2” (the admin's number
    field drops final zeros) or a rate recomputed from unchanged counts must not rewrite how the document printed
    it when the person changed something else."""
    if name not in values or places_name in values:
        return values
    given, stored = values[name], getattr(obj, name)
    if given is not None and obj.pk and stored is not None and Decimal(given) == stored:
        return values
    return {**values, places_name: None if given is None else written_places(Decimal(given))}


def _apply_figure_edits(checker: Checker, plan: Plan, edits: list[FigureEdit], reason: str, origin: str) -> EditResult:
    result = EditResult()
    existing = {
        (f.locality_id, f.year, f.kind): f
        for f in HouseholdFigure.objects.select_for_update().filter(
            # The ids, each once: an import's 10.000 edits gave Django as many model instances to turn into ids.
            plan=plan,
            locality_id__in={e.locality.pk for e in edits},
            year__in={e.year for e in edits},
        )
    }
    to_save = []
    for edit in edits:
        _require(checker.can_edit_figure(edit.locality), edit.key)
        figure = existing.get((edit.locality.pk, edit.year, edit.kind))
        stale = _outdated(figure, edit)
        if stale is not None:
            label = f"{edit.locality.name} {edit.year}"
            result.conflicts.append(_conflict(edit, figure, label, _figure_values(figure, stale or edit.values), stale))
            continue
        if figure is None:
            figure = HouseholdFigure(plan=plan, locality=edit.locality, year=edit.year, kind=edit.kind)
            figure._edit, figure._edit_created = edit, True
        values = _with_places(edit.values, figure, "published_rate", "published_rate_places")
        changed = [name for name, value in values.items() if getattr(figure, name) != value]
        if not changed and figure.pk:
            continue
        if _needs_reason(checker, Table.DISTRICTS, edit.locality.pk, reason):
            result.add_error(edit.key, reason_required_message())
            continue
        for name, value in values.items():
            setattr(figure, name, value)
        rate_problem = _derive_rate(figure, edit, changed)
        if rate_problem:
            result.add_error(edit.key, rate_problem, "published_rate")
            continue
        figure._written_fields = [*values, "published_rate", "published_rate_places"]
        figure.plan = plan  # clean() reads the plan's period: not one query per figure
        try:
            validate_figure(figure, figure._written_fields)
        except ValidationError as error:
            result.add_invalid(edit.key, error)
            continue
        to_save.append(figure)
    if result.ok:
        _save_or_conflict(checker, to_save, reason, origin, result, _figure_created_meanwhile)
    return result


def validate_figure(figure: HouseholdFigure, written) -> None:
    """full_clean() of a figure about to be written (the import's preview asks the same): ValidationError, with
    clean()'s messages, when it breaks a rule.

    The check constraints restate clean()'s rules (same messages) and the database enforces them at the save;
    Django would check each with a query of its own, 9 per figure. Uniqueness is known for a stored figure (read,
    and locked by the write); a new one is checked. The plan and the locality are rows already read; the standard is
    checked by clean() against the standards read once. Of a stored figure only the `written` fields are validated
    one by one (as a form validates its own fields), then clean()'s rules across all of them, on its values
    (HouseholdFigure.validate_stored: what full_clean() would check, without its walk over every field).
    """
    if figure.pk is None:
        figure.full_clean(exclude=UNVALIDATED_FIELDS, validate_unique=True, validate_constraints=False)
        return
    values = {name: getattr(figure, name) for name in {*RULE_ATTRIBUTES, *_attnames(frozenset(written))}}
    plan = figure.plan if figure.kind == FigureKind.TARGET else None  # as clean() reads it: only for a target
    HouseholdFigure.validate_stored(values, plan, written)
    for name, value in values.items():
        setattr(figure, name, value)  # as full_clean() leaves them: each written field's value converted


@functools.lru_cache(maxsize=64)
def _attnames(written: frozenset) -> tuple:
    fields = HouseholdFigure._meta.concrete_fields
    return tuple(f.attname for f in fields if f.name in written or f.attname in written)


def _save_or_conflict(checker: Checker, to_save: list, reason: str, origin: str, result: EditResult, meanwhile):
    """Save, or — when another transaction created one of the new rows first (the one-figure constraint) — report
    the winner's values as conflicts of the new rows, never a server error. The savepoint keeps the transaction
    usable after the database's refusal."""
    try:
        with transaction.atomic():
            result.changed = _save_all(checker, to_save, reason, origin)
    except IntegrityError:
        result.changed = 0
        for obj in to_save:
            if getattr(obj, "_edit", None) is not None and obj._edit_created:
                conflict = meanwhile(obj)
                if conflict is not None:
                    result.conflicts.append(conflict)
        if not result.conflicts:
            raise


def _figure_created_meanwhile(figure: HouseholdFigure) -> Conflict | None:
    stored = HouseholdFigure.objects.filter(
        plan_id=figure.plan_id, locality_id=figure.locality_id, year=figure.year, kind=figure.kind
    ).first()
    if stored is None:
        return None
    edit = figure._edit
    label = f"{edit.locality.name} {edit.year}"
    return _conflict(edit, stored, label, _figure_values(stored, edit.values), {})


def _value_created_meanwhile(value: IndicatorValue) -> Conflict | None:
    stored = IndicatorValue.objects.filter(
        plan_indicator_id=value.plan_indicator_id, year=value.year, kind=value.kind
    ).first()
    if stored is None:
        return None
    edit = value._edit
    label = f"{edit.plan_indicator.text[:60]} {edit.year}"
    return _conflict(edit, stored, label, {str(_("value")): _display(stored.value_as_printed)}, {})


COUNTS_OF_RATE = ("households", "poor_households")


def _derive_rate(figure: HouseholdFigure, edit: FigureEdit, changed: list[str]) -> str:
    """The one rule for a figure's rate, whatever the channel (grid, import, admin, a future API).

    Counts changed without a new rate: the rate follows them (recomputed, two decimals, half-up), as the grid has
    always shown it. A rate given or counts changed: the rate must agree with the counts within RATE_TOLERANCE, else
    the message says what the counts give. Without both counts (a table that publishes no household totals) the
    rate is kept as given. A figure whose stored rate and counts were published disagreeing and are not touched is
    left as published (the data-quality page reports it)."""
    counts_changed = any(name in changed for name in COUNTS_OF_RATE)
    # A rate "given" is one the person changed: forms that post every field (the admin) send the stored one too.
    rate_given = "published_rate" in changed
    computed = rate_following_counts(figure.poor_households, figure.households)
    if computed is None:
        return ""  # no household total, or an impossible count: the counts' own check speaks
    if counts_changed and not rate_given:
        if figure.published_rate != computed:
            figure.published_rate, figure.published_rate_places = computed, None  # computed: two decimals
        return ""
    rate = figure.published_rate
    if not (counts_changed or rate_given) or not rates_disagree(rate, computed):
        return ""
    return rate_disagreement_message(rate, figure.poor_households, figure.households, computed)


def rate_disagreement_message(rate, poor: int, households: int, computed) -> str:
    """What a rate refused against its counts is told, by the service and the import alike."""
    return _(
        "The rate %(rate)s%% disagrees with its counts: %(poor)s poor households of %(households)s give %(computed)s%%."
    ) % {
        "rate": format_rate(rate),  # as typed or printed ("1,2"); what the counts give is computed: two decimals
        "poor": format_count(poor),
        "households": format_count(households),
        "computed": format_decimal(computed, 2),
    }


def save_indicator_values(
    *,
    user,
    plan: Plan,
    edits: list[ValueEdit],
    reason: str = "",
    origin: str = "",
    checker: Checker | None = None,
    dry_run=False,
    confirmed_warnings: Sequence[str] = (),
) -> EditResult:
    """As save_figures, for indicator values."""
    return _write(
        _apply_value_edits,
        user=user,
        plan=plan,
        edits=edits,
        reason=reason,
        origin=origin,
        checker=checker,
        dry_run=dry_run,
        confirmed_warnings=confirmed_warnings,
    )


def _apply_value_edits(checker: Checker, plan: Plan, edits: list[ValueEdit], reason: str, origin: str) -> EditResult:
    result = EditResult()
    existing = {
        (v.plan_indicator_id, v.year, v.kind): v
        for v in IndicatorValue.objects.select_for_update().filter(plan_indicator__plan=plan)
    }
    to_save = []
    for edit in edits:
        _require(checker.can_edit_indicator(edit.plan_indicator), edit.key)
        value = existing.get((edit.plan_indicator.pk, edit.year, edit.kind))
        new = edit.values.get("value")
        if new is None:
            if value is not None:
                result.add_error(edit.key, _("A value cannot be removed here; enter a number."), "value")
            continue
        stale = _outdated(value, edit)
        if stale is not None:
            label = f"{edit.plan_indicator.text[:60]} {edit.year}"
            their_values = {str(_("value")): _display(value.value_as_printed if value else None)}
            result.conflicts.append(_conflict(edit, value, label, their_values, stale))
            continue
        if value is None:
            value = IndicatorValue(plan_indicator=edit.plan_indicator, year=edit.year, kind=edit.kind)
            value._edit, value._edit_created = edit, True
        if value.pk and all(getattr(value, name) == given for name, given in edit.values.items()):
            continue
        if _needs_reason(checker, Table.INDICATORS, None, reason):
            result.add_error(edit.key, reason_required_message())
            continue
        if "value_as_written" not in edit.values and new != value.value:
            # The wording follows the figure (“dưới 9%” → “dưới 8%”) wherever the value is changed from.
            value.value_as_written = value.rewritten_as_written(new)
        given_values = _with_places(edit.values, value, "value", "value_places")
        for name, given in given_values.items():
            setattr(value, name, given)
        value._written_fields = [*edit.values, "value_as_written", "value_places"]
        try:
            value.full_clean()
        except ValidationError as error:
            result.add_invalid(edit.key, error)
            continue
        to_save.append(value)
    if result.ok:
        _save_or_conflict(checker, to_save, reason, origin, result, _value_created_meanwhile)
    return result


# --- deletions -------------------------------------------------------------------------------------------


@dataclass
class _Where:
    locality: Locality


def _delete(checker: Checker, obj, decision: Decision, table: str, locality_id, reason: str, dry_run: bool) -> None:
    _require(decision, "delete")
    if not checker.is_reviewer:
        raise EditForbidden(_("Only the plan's reviewers delete figures and values."), key="delete")
    if _needs_reason(checker, table, locality_id, reason):
        raise ValidationError(reason_required_message())
    if dry_run:
        return
    obj._change_reason = reason.strip()  # django-simple-history: the deletion's record says why …
    obj._history_user = checker.history_user  # … and who, as for every other change
    obj.delete()


@transaction.atomic
def figure_delete(*, user, figure: HouseholdFigure, reason: str = "", dry_run: bool = False) -> None:
    """Delete a figure as every write is done: scope, review lock, reason once reopened, history (who and why).

    Reviewers only. EditForbidden (a PermissionDenied) or ValidationError (a missing reason) otherwise; `dry_run`
    asks the same questions and deletes nothing."""
    checker = Checker(user, figure.plan)
    _lock_reviews(checker, figure.plan, Table.DISTRICTS, [_Where(figure.locality)])
    decision = checker.can_edit_figure(figure.locality)
    _delete(checker, figure, decision, Table.DISTRICTS, figure.locality_id, reason, dry_run)


@transaction.atomic
def indicator_value_delete(*, user, value: IndicatorValue, reason: str = "", dry_run: bool = False) -> None:
    """As figure_delete, for an indicator value."""
    plan = value.plan_indicator.plan
    checker = Checker(user, plan)
    _lock_reviews(checker, plan, Table.INDICATORS, [])
    decision = checker.can_edit_indicator(value.plan_indicator)
    _delete(checker, value, decision, Table.INDICATORS, None, reason, dry_run)


# --- review ---------------------------------------------------------------------------------------------

TRANSITIONS = {
    Action.SUBMIT: ReviewState.SUBMITTED,
    Action.APPROVE: ReviewState.APPROVED,
    Action.RETURN: ReviewState.RETURNED,
    Action.REOPEN: ReviewState.REOPENED,
}


@transaction.atomic
def review_transition(
    *, user, plan: Plan, table: str, action: Action, locality: Locality | None = None, comment: str = ""
) -> TableReview:
    """Move a part of a table to its next state; the decision and the trail are recorded together.

    The review row is locked before the decision, so two reviewers acting at once cannot both move
    the same submitted part.
    """
    if table == Table.DISTRICTS and (
        locality is None or not AppendixRow.objects.filter(appendix__plan=plan, locality=locality).exists()
    ):
        raise ValidationError({"locality": _("This locality is not a row of the plan's district table.")})
    review, _created = TableReview.objects.select_for_update().get_or_create(
        plan=plan, table=table, locality=locality if table == Table.DISTRICTS else None
    )
    checker = Checker(user, plan)
    checker._reviews = {**checker._reviews, (review.table, review.locality_id): review}
    require(checker.can_transition(action, table, locality))
    comment = clean_input(comment)
    if "\x00" in comment:  # PostgreSQL cannot store it in a text column: refused, not a server error
        raise ValidationError({"comment": _("The comment holds a character that cannot be stored; type it again.")})
    if action in (Action.RETURN, Action.REOPEN) and not comment.strip():
        raise ValidationError({"comment": _("Say why: the officials will read it.")})
    before = review.state
    review.state = TRANSITIONS[action]
    review.comment = comment
    review.changed_by = user
    review.changed_at = timezone.now()
    if action == Action.APPROVE:
        review.approved_at = review.changed_at
    review.save()
    ReviewEvent.objects.create(review=review, from_state=before, to_state=review.state, comment=comment, user=user)
    return review


@transaction.atomic
def reporting_obligation_mark_reported(
    *, user, obligation: ReportingObligation, reported_on: datetime.date, note: str = ""
) -> ReportingObligation:
    """Record that the report of an obligation was sent: reviewers of the plan's province only."""
    require(Checker(user, obligation.plan).can_edit_document())
    obligation.reported_on = reported_on
    obligation.report_note = note.strip()
    obligation.full_clean()
    obligation.save(update_fields=["reported_on", "report_note"])
    return obligation

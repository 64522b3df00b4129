"""What a workbook was made from: the version of each figure it shows, so that an import can tell a stale file.

An exported workbook carries a very hidden, protected sheet (`VERSIONS_SHEET`) with one line per appendix row:
the appendix, the kind of row (a locality's household figures, an indicator's values), the row's id and the
version of each of its figures as they were when the file was made (“01 household 17 2024:result:3
2025:target:1”; a figure that did not exist yet is simply absent, version 0). The lines are packed into as few
cells as Excel allows (32.767 characters a cell): one cell a row made a national workbook write a fifth more cells
than its table. Excel and LibreOffice keep a hidden sheet when they save. Workbooks of the first format (one
row of four cells per appendix row, marker “povertyplan versions 1”) are still read.

On import, a changed cell whose stored figure has another version than the one recorded was changed by
somebody else after the export: taking the file's value would silently undo their change (the lost update the
grids' versions prevent). Such a cell is a conflict: listed in the preview with the stored value, who changed it
and when, and the file is refused unless a reviewer overrides the conflicts with a reason. A workbook without
the record (made by hand, or by an older version of the application) is imported as before, with a notice.
"""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, fields

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from indicators.models import IndicatorValue
from plan_tables.selectors import PlanTables
from plans.models import Appendix, AppendixKind, HouseholdFigure, Plan
from workflow.changelog import person_label

from .changes import HOUSEHOLD, INDICATOR, Change
from .problems import Problem
from .workbook import Sheet, UploadedWorkbook

VERSIONS_SHEET = "povertyplan-versions"
_MARKER = "povertyplan versions 2"
_MARKER_ROWS = "povertyplan versions 1"  # the first format: one row of four cells per appendix row
_CELL_LIMIT = 32_000  # characters a cell holds, with room to spare under Excel's 32.767
# Sheet protection keeps a person from editing the record by mistake (it is not a secret: openpyxl's hash).
_PROTECTION_PASSWORD = "povertyplan"
_TARGETS = {AppendixKind.HOUSEHOLD_FIGURES: HOUSEHOLD, AppendixKind.INDICATOR_TARGETS: INDICATOR}

RowKey = tuple[str, int]  # (target, owner id)
FigureKey = tuple[int, str]  # (year, kind)


def _recorded_rows(appendix: Appendix, tables: PlanTables):
    """(owner id, (year, kind) → version) of each row of the appendix, from the figures its sheet shows: the versions
    recorded are those of the values in the file, read by the same query."""
    if appendix.kind == AppendixKind.HOUSEHOLD_FIGURES:
        for row in tables.household[appendix.pk].published_order:
            if row.locality_id is not None:
                yield row.locality_id, {key: figure.version for key, figure in row.figures.items()}
    else:
        for plan_indicator in tables.indicators:
            if plan_indicator.appendix_id == appendix.pk:
                yield (
                    plan_indicator.pk,
                    {(value.year, value.kind): value.version for value in plan_indicator.values.all()},
                )


def write_versions_sheet(workbook: Workbook, plan: Plan, appendices: list[Appendix], tables: PlanTables) -> None:
    """Add the record of the versions of every importable appendix in `appendices`, from `tables` as the export
    read them for the sheets (no query of its own)."""
    importable = [appendix for appendix in appendices if appendix.kind in _TARGETS]
    if not importable:
        return
    ws = workbook.create_sheet(VERSIONS_SHEET)
    ws.append([_MARKER, plan.slug, timezone.now().isoformat(timespec="seconds")])
    ws.append(["one line per row: appendix target owner year:kind:version …"])
    lines = []
    for appendix in importable:
        target = _TARGETS[appendix.kind]
        for owner, versions in _recorded_rows(appendix, tables):
            shown = " ".join(f"{year}:{kind}:{version}" for (year, kind), version in sorted(versions.items()))
            lines.append(f"{appendix.code} {target} {owner} {shown}".rstrip())
    for chunk in _packed(lines):
        ws.append([chunk])
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = _PROTECTION_PASSWORD


def _packed(lines: list[str]) -> list[str]:
    """The lines joined by newlines into cells of at most _CELL_LIMIT characters (a line is never split)."""
    chunks, current, size = [], [], 0
    for line in lines:
        if current and size + len(line) + 1 > _CELL_LIMIT:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


@dataclass
class VersionRecord:
    """The versions a workbook was made from: (target, owner) → (year, kind) → version."""

    rows: dict[RowKey, dict[FigureKey, int]]
    exported_at: str = ""

    def recorded(self, target: str, owner_id: int) -> dict[FigureKey, int] | None:
        return self.rows.get((target, owner_id))


class DamagedRecord(Exception):
    pass


def read_versions(workbook: UploadedWorkbook, plan: Plan) -> tuple[VersionRecord | None, Problem | None]:
    """The workbook's record (None when it has none), and a notice when it cannot serve to detect conflicts."""
    ws = next((sheet for sheet in workbook.worksheets if sheet.title == VERSIONS_SHEET), None)
    if ws is None:
        return None, Problem(
            _(
                "This workbook does not record the versions of the figures it was made from (it was made by hand, "
                "or by an older version of the application): figures changed by others since it was made cannot be "
                "detected. Check the changes below carefully, or export the appendix again."
            )
        )
    try:
        return _parse(ws, plan), None
    except DamagedRecord:
        return None, Problem(
            _(
                "The record of the versions this workbook was made from has been altered: figures changed by "
                "others since it was made cannot be detected. Export the appendix again, or check the changes "
                "below carefully."
            )
        )


def _parse(ws: Sheet, plan: Plan) -> VersionRecord:
    rows = ws.rows(4)  # the rows holding something: (row number, its first four values)
    if len(rows) < 2 or rows[0][0] != 1 or rows[0][1][0] not in (_MARKER, _MARKER_ROWS) or rows[0][1][1] != plan.slug:
        raise DamagedRecord
    record = VersionRecord(rows={}, exported_at=str(rows[0][1][2] or ""))
    body = [row for number, row in rows[1:] if number > 2]  # row 2 holds the column titles
    if rows[0][1][0] == _MARKER_ROWS:
        entries = [tuple(row) for row in body]
    else:
        if any(value is not None for row in body for value in row[1:]):
            raise DamagedRecord  # the record lives in the first column only
        text = "\n".join(str(row[0]) for row in body if row[0] is not None)
        entries = [_entry(line) for line in text.split("\n") if line.strip()]
    for _code, target, owner, shown in entries:
        if target not in (HOUSEHOLD, INDICATOR) or not isinstance(owner, int):
            raise DamagedRecord
        figures = {}
        for item in str(shown or "").split():
            try:
                year, kind, version = item.split(":")
                figures[(int(year), kind)] = int(version)
            except ValueError as error:
                raise DamagedRecord from error
        record.rows[(target, owner)] = figures
    return record


def _entry(line: str) -> tuple:
    """(appendix code, target, owner id, versions) of one line of the record."""
    parts = line.split(" ", 3)
    if len(parts) < 3 or not parts[2].isdigit():
        raise DamagedRecord
    return parts[0], parts[1], int(parts[2]), parts[3] if len(parts) == 4 else ""


@dataclass(frozen=True)
class VersionConflict:
    """A changed cell whose stored figure was changed by somebody else after the workbook was made."""

    sheet: str
    row: int
    column: str
    label: str
    year: int
    stored: str  # the stored value, as shown
    in_file: str  # the file's value, as shown
    changed_by: str
    changed_at: str  # dd/mm/yyyy HH:MM, or ""

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict) -> "VersionConflict":
        return cls(**{item.name: data[item.name] for item in fields(cls)})

    @property
    def message(self) -> str:
        return _(
            "%(label)s, %(year)s, %(column)s: changed to %(stored)s by %(user)s at %(time)s, after this workbook "
            "was made; the file says %(file)s."
        ) % {
            "label": self.label,
            "year": self.year,
            "column": self.column,
            "stored": self.stored,
            "user": self.changed_by,
            "time": self.changed_at or "?",
            "file": self.in_file,
        }

    def __str__(self) -> str:
        return str(Problem(self.message, sheet=self.sheet, row=self.row))

    @property
    def summary(self) -> str:
        """A short form for the history's reason: “Huyện Phù Cừ 2024 Số hộ nghèo 318 → 319”."""
        return f"{self.label} {self.year} {self.column}: {self.stored} → {self.in_file}"


def _stamp(when: datetime.datetime | None) -> str:
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else ""


def find_conflicts(plan: Plan, record: VersionRecord, changes: list[Change]) -> list[VersionConflict]:
    """The changes whose stored figure's version differs from the one the workbook recorded (a few queries)."""
    wanted = defaultdict(set)
    for change in changes:
        if record.recorded(change.target, change.owner_id) is not None:
            wanted[change.target].add(change.owner_id)
    if not wanted:
        return []
    current: dict[tuple[str, int, int, str], tuple[int, int]] = {}
    if wanted[HOUSEHOLD]:
        for pk, owner, year, kind, version in HouseholdFigure.objects.filter(
            plan=plan, locality_id__in=wanted[HOUSEHOLD]
        ).values_list("pk", "locality_id", "year", "kind", "version"):
            current[(HOUSEHOLD, owner, year, kind)] = (pk, version)
    if wanted[INDICATOR]:
        for pk, owner, year, kind, version in IndicatorValue.objects.filter(
            plan_indicator__plan=plan, plan_indicator_id__in=wanted[INDICATOR]
        ).values_list("pk", "plan_indicator_id", "year", "kind", "version"):
            current[(INDICATOR, owner, year, kind)] = (pk, version)
    stale: list[tuple[Change, int | None]] = []
    for change in changes:
        recorded = record.recorded(change.target, change.owner_id)
        if recorded is None:
            continue  # a row the record does not know (added by hand): nothing to compare with
        pk, version = current.get((change.target, change.owner_id, change.year, change.kind), (None, 0))
        if recorded.get((change.year, change.kind), 0) != version:
            stale.append((change, pk))
    last = _last_changes({target: {pk for change, pk in stale if change.target == target and pk} for target in wanted})
    conflicts = []
    for change, pk in stale:
        who, when = last.get((change.target, pk), (_("someone"), None))
        conflicts.append(
            VersionConflict(
                sheet=change.sheet,
                row=change.row,
                column=change.column,
                label=change.label,
                year=change.year,
                stored=change.display_old,
                in_file=change.display_new,
                changed_by=who,
                changed_at=_stamp(when),
            )
        )
    return conflicts


def _last_changes(pks: dict[str, set[int]]) -> dict[tuple[str, int], tuple[str, datetime.datetime | None]]:
    """Who last changed each object, and when: one query per kind."""
    found = {}
    for target, model in ((HOUSEHOLD, HouseholdFigure), (INDICATOR, IndicatorValue)):
        if not pks.get(target):
            continue
        records = (
            model.history.filter(id__in=pks[target])
            .select_related("history_user")
            .order_by("id", "-history_date", "-history_id")
        )
        for record in records:
            key = (target, record.id)
            if key not in found:
                found[key] = (person_label(record.history_user), record.history_date)
    return found

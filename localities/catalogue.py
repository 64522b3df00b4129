"""Loading the official catalogue of administrative units and the conversion that creates the successions.

    manage.py load_units CATALOGUE --effective DD/MM/YYYY [--conversion CONVERSION] [--dry-run]

The catalogue lists the units in force from the effective date — `code, name, kind, parent_code` — and the
conversion says what became of the old units: `old_code, new_code, change, share_percent` (docs/units.md). Both
may be UTF-8 CSV or .xlsx; the statistics office's own Vietnamese headers and kind words are accepted.

Units are matched by their official code. A code can pass to a new unit (the new Hưng Yên keeps 33, the old one had
it until 30/06/2025): a catalogue code is looked up among the units valid on the effective date, a conversion's old
code among those valid the day before. Everything is validated first, with row numbers; a refused load writes
nothing, an accepted one writes everything in one transaction, and loading the same files again changes nothing.
"""

import csv
import datetime
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.numbers import format_measure
from kernel.text import normalize, vietnamese_slug

from .models import (
    KIND_LEVELS,
    Level,
    Locality,
    LocalityKind,
    LocalitySuccession,
    SuccessionKind,
    counted_share,
    parent_levels,
)

MAX_FILE_BYTES = 5 * 1024 * 1024  # the whole country's 3.321 units are about 200 KB of CSV
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # more than the 10.600 communes before 2025

CATALOGUE_HEADERS = {
    "code": {"code", "mã", "ma", "mã đơn vị", "mã đvhc", "mã px", "mã phường xã", "mã xã"},
    "name": {"name", "tên", "ten", "tên đơn vị", "tên đvhc", "phường xã", "tên phường xã"},
    "kind": {"kind", "cấp", "cap", "loại", "loại hình", "loại đơn vị"},
    "parent_code": {"parent_code", "parent code", "mã cấp trên", "mã đơn vị cấp trên", "mã tỉnh", "mã tp", "mã qh"},
}
CONVERSION_HEADERS = {
    "old_code": {"old_code", "old code", "mã cũ", "mã đơn vị cũ", "mã xã cũ"},
    "new_code": {"new_code", "new code", "mã mới", "mã đơn vị mới", "mã xã mới"},
    "change": {"change", "thay đổi", "hình thức", "hình thức sắp xếp", "loại thay đổi"},
    "share_percent": {"share_percent", "share", "tỷ lệ", "tỷ lệ số hộ", "tỷ lệ số hộ (%)", "tỷ lệ (%)"},
}

# Kind words as the official list writes them (and the application's own names). “Thành phố” alone is a city under a
# province before 2025 (a district-level unit) or, with no parent, a centrally-run city.
KIND_WORDS = {
    "tỉnh": LocalityKind.PROVINCE,
    "thành phố trung ương": LocalityKind.MUNICIPALITY,
    "thành phố trực thuộc trung ương": LocalityKind.MUNICIPALITY,
    "huyện": LocalityKind.RURAL_DISTRICT,
    "thị xã": LocalityKind.TOWN,
    "thành phố thuộc tỉnh": LocalityKind.PROVINCIAL_CITY,
    "thành phố thuộc thành phố trung ương": LocalityKind.PROVINCIAL_CITY,
    "quận": LocalityKind.URBAN_DISTRICT,
    "xã": LocalityKind.COMMUNE,
    "phường": LocalityKind.WARD,
    "thị trấn": LocalityKind.TOWNSHIP,
    "đặc khu": LocalityKind.SPECIAL_ZONE,
    **{kind.value: kind for kind in LocalityKind},
}
CHANGE_WORDS = {
    "merge": SuccessionKind.MERGE,
    "sáp nhập": SuccessionKind.MERGE,
    "hợp nhất": SuccessionKind.MERGE,
    "nhập": SuccessionKind.MERGE,
    "split": SuccessionKind.SPLIT,
    "chia tách": SuccessionKind.SPLIT,
    "tách": SuccessionKind.SPLIT,
    "điều chỉnh": SuccessionKind.SPLIT,
    "rename": SuccessionKind.RENAME,
    "đổi tên": SuccessionKind.RENAME,
    "upgrade": SuccessionKind.UPGRADE,
    "nâng cấp": SuccessionKind.UPGRADE,
    "thành lập": SuccessionKind.UPGRADE,
    "abolish": SuccessionKind.ABOLISH,
    "giải thể": SuccessionKind.ABOLISH,
}


class UnitsRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: list = field(default_factory=list)  # new units
    coded: list = field(default_factory=list)  # existing units that received their official code
    unchanged: int = 0
    successions_created: int = 0
    successions_existing: int = 0
    ended: list = field(default_factory=list)  # old units given an end of validity
    dry_run: bool = False

    def lines(self) -> list[str]:
        return [
            _("New units: %(count)s") % {"count": len(self.created)},
            _("Existing units given their official code: %(count)s") % {"count": len(self.coded)},
            _("Units already as the catalogue has them: %(count)s") % {"count": self.unchanged},
            _("Successions created: %(count)s (already recorded: %(existing)s)")
            % {"count": self.successions_created, "existing": self.successions_existing},
            _("Old units ended the day before the effective date: %(count)s") % {"count": len(self.ended)},
        ]


# --- reading files ---------------------------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a CSV (UTF-8) or .xlsx file as (row number, cells), the header first. Lines starting with “#” in
    a CSV are comments (a file's note on its source). Bounded by the file's real size."""
    if len(data) > MAX_FILE_BYTES:
        raise UnitsRefused([_("%(file)s: the file is larger than 5 MB: nothing was read.") % {"file": name}])
    if data.startswith(b"PK"):
        return _read_xlsx(name, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnitsRefused(
            [_("%(file)s: the file is not UTF-8 text (save the CSV as “CSV UTF-8”).") % {"file": name}]
        ) from error
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(rows) > MAX_ROWS:
            raise UnitsRefused([_("%(file)s: more than %(limit)s rows.") % {"file": name, "limit": MAX_ROWS}])
        if not cells or all(not cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        rows.append((number, [normalize(cell) for cell in cells]))
    return rows


def _read_xlsx(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnitsRefused([_("%(file)s: the workbook unpacks to too much data.") % {"file": name}])
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnitsRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file: all mean the same to a person
        raise UnitsRefused([_("%(file)s: the file cannot be opened as a workbook.") % {"file": name}]) from error
    rows = []
    for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True, max_col=10), start=1):
        if len(rows) > MAX_ROWS:
            raise UnitsRefused([_("%(file)s: more than %(limit)s rows.") % {"file": name, "limit": MAX_ROWS}])
        cells = ["" if value is None else normalize(str(value)) for value in values]
        if not any(cells) or cells[0].startswith("#"):
            continue
        rows.append((number, cells))
    workbook.close()
    return rows


def _columns(name: str, rows, wanted: dict[str, set[str]], required: set[str]) -> dict[str, int]:
    if not rows:
        raise UnitsRefused([_("%(file)s: the file is empty.") % {"file": name}])
    number, header = rows[0]
    positions = {}
    for index, cell in enumerate(header):
        key = cell.casefold().strip()
        for column, aliases in wanted.items():
            if key in aliases and column not in positions:
                positions[column] = index
    missing = [column for column in wanted if column in required and column not in positions]
    if missing:
        raise UnitsRefused(
            [
                _("%(file)s, row %(row)s: the header lacks the column(s) %(columns)s.")
                % {"file": name, "row": number, "columns": ", ".join(missing)}
            ]
        )
    return positions


def _cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    index = positions.get(column)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _code(text: str) -> str:
    """A code as the lists write it; a spreadsheet may have turned “01” into 1.0."""
    text = text.strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


# --- validating and loading --------------------------------------------------------------------------------------


@dataclass
class _NewUnit:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    existing: Locality | None = None
    adopt: bool = False  # an existing unit without a code: it receives this one


def units_load(
    *,
    catalogue: tuple[str, bytes],
    effective: datetime.date,
    conversion: tuple[str, bytes] | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Validate both files against the database, then write all of it in one transaction (or, with `dry_run`,
    nothing). Raises UnitsRefused with every problem found, each naming its file and row."""
    day_before = effective - datetime.timedelta(days=1)
    catalogue_name, catalogue_data = catalogue
    problems: list[str] = []
    units = _read_catalogue(catalogue_name, read_table(catalogue_name, catalogue_data), problems)
    changes = []
    if conversion is not None:
        conversion_name, conversion_data = conversion
        changes = _read_conversion(conversion_name, read_table(conversion_name, conversion_data), problems)
    if problems:
        raise UnitsRefused(problems)

    valid_now = {u.code: u for u in Locality.objects.valid_on(effective).exclude(code="")}
    valid_before = {u.code: u for u in Locality.objects.valid_on(day_before).exclude(code="")}
    ending = {valid_before[c.old_code].pk for c in changes if c.old_code in valid_before}
    # Units valid on the date that have no code yet (the seed's new Hưng Yên, Thành phố Huế): one of the same name
    # and kind receives the catalogue's code rather than being created twice.
    uncoded = defaultdict(list)
    for unit in Locality.objects.valid_on(effective).filter(code=""):
        uncoded[unit.name.casefold(), unit.kind].append(unit)
    by_code = {}
    for unit in units:
        existing = valid_now.get(unit.code)
        if existing is not None and existing.pk in ending:
            existing = None  # its code passes to the new unit
        if existing is None and len(uncoded.get((unit.name.casefold(), unit.kind), [])) == 1:
            existing, unit.adopt = uncoded[unit.name.casefold(), unit.kind][0], True
        unit.existing = existing
        if existing is not None and (existing.name != unit.name or existing.kind != unit.kind):
            problems.append(
                _(
                    "%(file)s, row %(row)s: the code %(code)s belongs to %(unit)s on %(date)s, not to “%(name)s” "
                    "(%(kind)s)."
                )
                % {
                    "file": catalogue_name,
                    "row": unit.row,
                    "code": unit.code,
                    "unit": existing,
                    "date": effective.strftime("%d/%m/%Y"),
                    "name": unit.name,
                    "kind": LocalityKind(unit.kind).label,
                }
            )
        by_code[unit.code] = unit
    _check_parents(catalogue_name, units, by_code, valid_now, ending, effective, problems)
    _check_conversion(changes, by_code, valid_now, valid_before, problems)
    if problems:
        raise UnitsRefused(problems)
    report = LoadReport(dry_run=dry_run)
    with transaction.atomic():
        _write(units, by_code, valid_now, changes, valid_before, effective, day_before, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _read_catalogue(name: str, rows, problems: list[str]) -> list[_NewUnit]:
    positions = _columns(name, rows, CATALOGUE_HEADERS, {"code", "name", "kind", "parent_code"})
    units, seen = [], {}
    for number, cells in rows[1:]:
        code, unit_name = _code(_cell(cells, positions, "code")), _cell(cells, positions, "name")
        kind_word, parent_code = _cell(cells, positions, "kind"), _code(_cell(cells, positions, "parent_code"))
        where = _("%(file)s, row %(row)s") % {"file": name, "row": number}
        if not code or not unit_name:
            problems.append(_("%(where)s: a unit needs its code and its name.") % {"where": where})
            continue
        if len(code) > 10:
            problems.append(_("%(where)s: the code “%(code)s” is too long.") % {"where": where, "code": code})
            continue
        if code in seen:
            problems.append(
                _("%(where)s: the code %(code)s is already in row %(other)s.")
                % {"where": where, "code": code, "other": seen[code]}
            )
            continue
        seen[code] = number
        kind = KIND_WORDS.get(kind_word.casefold())
        if kind_word.casefold() == "thành phố":
            kind = LocalityKind.PROVINCIAL_CITY if parent_code else LocalityKind.MUNICIPALITY
        if kind is None:
            problems.append(
                _(
                    "%(where)s: the kind “%(kind)s” is not one of the official list's (Tỉnh, Thành phố Trung ương, "
                    "Xã, Phường, Đặc khu, Huyện, Quận, Thị xã, Thành phố, Thị trấn)."
                )
                % {"where": where, "kind": kind_word}
            )
            continue
        units.append(_NewUnit(number, code, unit_name, kind, parent_code))
    return units


@dataclass
class _Change:
    row: int
    file: str
    old_code: str
    new_code: str
    kind: str
    share: Decimal | None


def _read_conversion(name: str, rows, problems: list[str]) -> list[_Change]:
    positions = _columns(name, rows, CONVERSION_HEADERS, {"old_code", "new_code", "change"})
    changes, pairs = [], {}
    for number, cells in rows[1:]:
        where = _("%(file)s, row %(row)s") % {"file": name, "row": number}
        old_code, new_code = _code(_cell(cells, positions, "old_code")), _code(_cell(cells, positions, "new_code"))
        word, share_text = _cell(cells, positions, "change"), _cell(cells, positions, "share_percent")
        if not old_code or not new_code:
            problems.append(_("%(where)s: a change needs the old and the new code.") % {"where": where})
            continue
        kind = CHANGE_WORDS.get(word.casefold())
        if kind is None:
            problems.append(
                _("%(where)s: the change “%(change)s” is not one of merge, split, rename, upgrade, abolish.")
                % {"where": where, "change": word}
            )
            continue
        share = None
        if share_text:
            try:
                share = Decimal(share_text.replace("%", "").replace(",", ".").strip())
            except InvalidOperation:
                share = Decimal(-1)
            if not 0 < share <= 100:
                problems.append(
                    _("%(where)s: the share “%(share)s” is not a percentage above 0 and at most 100.")
                    % {"where": where, "share": share_text}
                )
                continue
        if (old_code, new_code) in pairs:
            problems.append(
                _("%(where)s: %(old)s → %(new)s is already in row %(other)s.")
                % {"where": where, "old": old_code, "new": new_code, "other": pairs[old_code, new_code]}
            )
            continue
        pairs[old_code, new_code] = number
        changes.append(_Change(number, name, old_code, new_code, kind, share))
    return changes


def _check_parents(name, units, by_code, valid_now, ending, effective, problems) -> None:
    for unit in units:
        where = _("%(file)s, row %(row)s") % {"file": name, "row": unit.row}
        level = KIND_LEVELS[unit.kind]
        if level == Level.PROVINCE:
            if unit.parent_code:
                problems.append(_("%(where)s: a province-level unit has no parent unit.") % {"where": where})
            continue
        if not unit.parent_code:
            problems.append(
                _("%(where)s: a district- or commune-level unit needs its parent's code.") % {"where": where}
            )
            continue
        parent = by_code.get(unit.parent_code)
        parent_level = KIND_LEVELS[parent.kind] if parent else None
        if parent is None:
            existing = valid_now.get(unit.parent_code)
            if existing is None or existing.pk in ending:
                problems.append(
                    _("%(where)s: the parent code %(code)s is neither in the catalogue nor a unit valid on %(date)s.")
                    % {"where": where, "code": unit.parent_code, "date": effective.strftime("%d/%m/%Y")}
                )
                continue
            parent_level = existing.level
        if parent_level not in parent_levels(effective, None, level):
            problems.append(
                _("%(where)s: on %(date)s a %(level)s unit cannot sit under the %(parent_level)s unit %(code)s.")
                % {
                    "where": where,
                    "date": effective.strftime("%d/%m/%Y"),
                    "level": Level(level).label.lower(),
                    "parent_level": Level(parent_level).label.lower(),
                    "code": unit.parent_code,
                }
            )
    # Cycles among the catalogue's own parents (a unit its own ancestor).
    for unit in units:
        seen, current = set(), unit
        while current is not None and current.parent_code in by_code:
            if current.code in seen:
                problems.append(
                    _("%(file)s, row %(row)s: the parents of %(code)s go round in a circle.")
                    % {"file": name, "row": unit.row, "code": unit.code}
                )
                break
            seen.add(current.code)
            current = by_code[current.parent_code]


def _check_conversion(changes, by_code, valid_now, valid_before, problems) -> None:
    shares = defaultdict(Decimal)
    for change in changes:
        where = _("%(file)s, row %(row)s") % {"file": change.file, "row": change.row}
        if change.old_code not in valid_before:
            problems.append(
                _("%(where)s: no unit had the old code %(code)s the day before the effective date.")
                % {"where": where, "code": change.old_code}
            )
        if change.new_code not in by_code and change.new_code not in valid_now:
            problems.append(
                _(
                    "%(where)s: the new code %(code)s is neither in the catalogue nor a unit valid on the effective "
                    "date."
                )
                % {"where": where, "code": change.new_code}
            )
        shares[change.old_code] += counted_share(change.kind, change.share)
    for change in changes:
        total = shares.pop(change.old_code, None)
        if total is not None and total > 100:
            problems.append(
                _("%(file)s: the shares of the old unit %(code)s add up to %(total)s%%, more than 100%%.")
                % {"file": change.file, "code": change.old_code, "total": format_measure(total)}
            )


def _slug(name: str, code: str, taken: set[str]) -> str:
    base = f"{vietnamese_slug(name)[:180]}-{code}".lower()
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug


def _write(units, by_code, valid_now, changes, valid_before, effective, day_before, report) -> None:
    # Old units named in the conversion end the day before (unless they ended already): first, so that a code
    # passing to a new unit is free on the effective date.
    old_ids = {valid_before[c.old_code].pk for c in changes}
    to_end = Locality.objects.filter(pk__in=old_ids, valid_to__isnull=True)
    report.ended = list(to_end.values_list("name", flat=True))
    to_end.update(valid_to=day_before)
    new_units = [unit for unit in units if unit.existing is None]
    candidates = [f"{vietnamese_slug(unit.name)[:180]}-{unit.code}".lower() for unit in new_units]
    taken = set()
    for start in range(0, len(candidates), 500):  # SQLite's limit of parameters per statement
        taken |= set(Locality.objects.filter(slug__in=candidates[start : start + 500]).values_list("slug", flat=True))
    resolved: dict[str, Locality] = {}
    # Parents before children: provinces, then districts, then communes.
    for unit in sorted(units, key=lambda u: KIND_LEVELS[u.kind]):
        parent = None
        if unit.parent_code:
            parent = resolved.get(unit.parent_code) or valid_now.get(unit.parent_code)
        if unit.existing is not None:
            existing = unit.existing
            if unit.adopt:
                existing.code = unit.code
                existing.save(update_fields=["code"])
                report.coded.append(existing.name)
            else:
                report.unchanged += 1
            resolved[unit.code] = existing
            continue
        locality = Locality(
            kind=unit.kind,
            name=unit.name,
            slug=_slug(unit.name, unit.code, taken),
            code=unit.code,
            parent=parent,
            valid_from=effective,
        )
        locality.save()
        resolved[unit.code] = locality
        report.created.append(locality.name)
    existing_pairs = set(
        LocalitySuccession.objects.filter(predecessor_id__in=old_ids).values_list("predecessor_id", "successor_id")
    )
    new_successions = []
    for change in changes:
        predecessor = valid_before[change.old_code]
        successor = resolved.get(change.new_code) or valid_now[change.new_code]
        if (predecessor.pk, successor.pk) in existing_pairs:
            report.successions_existing += 1
            continue
        existing_pairs.add((predecessor.pk, successor.pk))
        new_successions.append(
            LocalitySuccession(
                predecessor=predecessor,
                successor=successor,
                kind=change.kind,
                effective_date=effective,
                share_percent=change.share,
            )
        )
    LocalitySuccession.objects.bulk_create(new_successions)
    report.successions_created = len(new_successions)

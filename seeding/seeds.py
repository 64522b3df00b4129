"""Loading the seed documents (fixtures/*.yaml) into the database.

The files are written as the documents are printed (see fixtures/README.md); this module turns them
into rows, validating every row with `full_clean()` so that seeds obey the same rules as a user.
It lives in the project package because a plan document spans all three apps.
"""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.models import Dimension, Indicator, IndicatorValue, PlanIndicator
from kernel.numbers import VIETNAMESE, NumberFormatError, parse_number, rate_places, written_places
from kernel.text import normalize, vietnamese_slug
from localities.models import Locality, LocalitySuccession
from plans.models import (
    Agency,
    AgencyResponsibility,
    Appendix,
    AppendixKind,
    AppendixRow,
    Duty,
    HouseholdFigure,
    LegalBasis,
    Plan,
    PlanSection,
    PolicyTask,
    ProgramProject,
    Recipient,
    ReportingObligation,
)
from plans.models.standards import ensure_poverty_standards
from workflow import revisions
from workflow.changelog import INITIAL_LOAD

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
HOUSEHOLD_FIELDS = {
    "households": "households",
    "poor_households": "poor_households",
    "near_poor_households": "near_poor_households",
    "planned_reduction": "planned_reduction",
    "poverty_rate": "published_rate",
}


class SeedError(Exception):
    """A seed file that does not fit the format or the rules; the message names the file and item."""


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped_plans: list[str] = field(default_factory=list)
    loaded_plans: list[str] = field(default_factory=list)

    def count(self, model) -> None:
        self.created[str(model._meta.verbose_name_plural)] += 1


def load_seeds(directory: Path = FIXTURES_DIR, *, replace: bool = False) -> SeedReport:
    """Load the catalogue, the provinces and the plans; all or nothing."""
    report = SeedReport()
    with transaction.atomic(), revisions.deferred():  # the pages' revisions advance once, not once per row
        ensure_poverty_standards()
        seed_catalogue(_read(directory / "catalogue.yaml"), report)
        for path in sorted((directory / "provinces").glob("*.yaml")):
            seed_province(_read(path), report, source=path.name)
        for path in sorted((directory / "plans").glob("*.yaml")):
            seed_plan(_read(path), report, source=path.name, replace=replace)
        seed_codes(directory / "units" / "seed-codes.csv")
    return report


def seed_codes(path: Path) -> None:
    """The seed units' official codes, where fixtures/units/seed-codes.csv gives them (slug,code,source; the file
    and its sources: fixtures/units/README.md). A unit that has a code keeps it; without the file nothing changes."""
    if not path.exists():
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(line for line in handle if not line.startswith("#")), start=2):
            slug, code = (row.get("slug") or "").strip(), (row.get("code") or "").strip()
            if not slug or not code:
                continue
            try:
                locality = Locality.objects.get(slug=slug)
            except Locality.DoesNotExist as error:
                raise SeedError(f"{path.name}, row {number}: unknown locality {slug}") from error
            if not locality.code:
                locality.code = code
                try:
                    locality.full_clean()
                except ValidationError as error:
                    raise SeedError(f"{path.name}, row {number}: {error.messages}") from error
                locality.save(update_fields=["code"])


def _read(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{path.name}: {error}") from error


def _save(obj, report: SeedReport, where: str):
    try:
        obj.full_clean()
    except ValidationError as error:
        raise SeedError(f"{where}: {error.message_dict if hasattr(error, 'message_dict') else error}") from error
    # Its history record is part of the plan's initial load: one entry of the change log, no change since approval.
    obj._change_reason = INITIAL_LOAD
    obj.save()
    report.count(type(obj))
    return obj


def _date(value, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise SeedError(f"{where}: “{value}” is not a YYYY-MM-DD date") from error


def _number(text, where: str, *, integer: bool = False):
    if text in (None, ""):
        return None
    try:
        number = parse_number(text, separators=VIETNAMESE, integer=integer)
    except NumberFormatError as error:
        raise SeedError(f"{where}: {error}") from error
    return int(number) if integer else number


# --- catalogue and provinces ---------------------------------------------------------------------


def seed_catalogue(data: dict, report: SeedReport) -> None:
    for item in data.get("dimensions", []):
        if not Dimension.objects.filter(code=item["code"]).exists():
            _save(Dimension(**item), report, f"catalogue.yaml: dimension {item['code']}")
    for item in data.get("indicators", []):
        if not Indicator.objects.filter(code=item["code"]).exists():
            dimension = Dimension.objects.get(code=item["dimension"])
            _save(Indicator(**{**item, "dimension": dimension}), report, f"catalogue.yaml: indicator {item['code']}")
    for order, item in enumerate(data.get("projects", [])):
        if not ProgramProject.objects.filter(code=item["code"]).exists():
            parent = ProgramProject.objects.get(code=item["parent"]) if item.get("parent") else None
            project = ProgramProject(
                program=data["programme"], code=item["code"], name=item["name"], parent=parent, order=order
            )
            _save(project, report, f"catalogue.yaml: project {item['code']}")


def seed_province(data: dict, report: SeedReport, *, source: str) -> None:
    for item in data.get("localities", []):
        if Locality.objects.filter(slug=item["slug"]).exists():
            continue
        where = f"{source}: locality {item['slug']}"
        parent = Locality.objects.get(slug=item["parent"]) if item.get("parent") else None
        locality = Locality(
            slug=item["slug"],
            name=normalize(item["name"]),
            kind=item["kind"],
            parent=parent,
            code=item.get("code") or "",
            valid_from=_date(item.get("valid_from"), where),
            valid_to=_date(item.get("valid_to"), where),
            note=item.get("note") or "",
        )
        _save(locality, report, where)
    for item in data.get("successions", []):
        predecessor = Locality.objects.get(slug=item["predecessor"])
        successor = Locality.objects.get(slug=item["successor"])
        if LocalitySuccession.objects.filter(predecessor=predecessor, successor=successor).exists():
            continue
        where = f"{source}: succession {item['predecessor']} → {item['successor']}"
        succession = LocalitySuccession(
            predecessor=predecessor,
            successor=successor,
            kind=item["kind"],
            effective_date=_date(item["effective_date"], where),
            legal_basis=item.get("legal_basis") or "",
        )
        _save(succession, report, where)
    province_slug = next((i["slug"] for i in data.get("localities", []) if not i.get("parent")), None)
    for item in data.get("agencies", []):
        province = Locality.objects.get(slug=item.get("province", province_slug))
        name = normalize(item["name"])
        if Agency.objects.filter(province=province, name=name).exists():
            continue
        agency = Agency(
            province=province,
            name=name,
            short_name=item.get("short_name") or "",
            slug=item.get("slug") or vietnamese_slug(name),
            kind=item.get("kind") or "department",
        )
        _save(agency, report, f"{source}: agency {name}")


# --- plans ----------------------------------------------------------------------------------------


class _PlanLoader:
    """Creates one plan and everything in it from its parsed YAML document."""

    def __init__(self, data: dict, report: SeedReport, source: str):
        self.data = data
        self.report = report
        self.source = source
        self.section_keys: dict[str, PlanSection] = {}
        self.appendices: dict[str, Appendix] = {}

    def where(self, what: str) -> str:
        return f"{self.source}: {what}"

    def agency(self, name: str | None, what: str) -> Agency | None:
        if not name:
            return None
        try:
            return Agency.objects.get(province=self.plan.province, name=normalize(name))
        except Agency.DoesNotExist as error:
            raise SeedError(self.where(f"{what}: unknown agency “{name}”")) from error

    def agencies(self, names, what: str) -> list[Agency]:
        return [self.agency(name, what) for name in names or []]

    def save(self, obj, what: str):
        return _save(obj, self.report, self.where(what))

    def load(self) -> Plan:
        self.load_plan()
        self.load_legal_bases()
        for order, item in enumerate(self.data.get("sections", [])):
            self.load_section(item, parent=None, order=order, path="")
        for order, text in enumerate(self.data.get("recipients", [])):
            self.save(Recipient(plan=self.plan, order=order, text=normalize(text)), f"recipient {order + 1}")
        self.load_responsibilities()
        self.load_reporting()
        self.load_appendices()
        self.load_indicators()
        self.load_policy_tasks()
        return self.plan

    def load_plan(self) -> None:
        item = dict(self.data["plan"])
        where = "plan"
        try:
            province = Locality.objects.get(slug=item.pop("province"))
        except Locality.DoesNotExist as error:
            raise SeedError(self.where("plan: unknown province")) from error
        item["issue_date"] = _date(item.get("issue_date"), self.where(where))
        item = {
            key: ("" if value is None and key not in {"issue_date", "orientation_year"} else value)
            for key, value in item.items()
        }
        self.plan = self.save(Plan(province=province, **item), where)

    def load_legal_bases(self) -> None:
        for order, item in enumerate(self.data.get("legal_bases", [])):
            where = f"legal basis {order + 1}"
            basis = LegalBasis(
                plan=self.plan,
                order=order,
                document_type=item["document_type"],
                number=item["number"],
                issue_date=_date(item.get("issue_date"), self.where(where)),
                issuer=item.get("issuer") or "",
                summary=item.get("summary") or "",
            )
            self.save(basis, where)

    def load_section(self, item: dict, *, parent: PlanSection | None, order: int, path: str) -> None:
        number = str(item.get("number") or "")
        path = f"{path}/{number or order + 1}"
        section = PlanSection(
            plan=self.plan,
            parent=parent,
            order=self._next_section_order(),
            kind=item.get("kind") or (parent.kind if parent else "other"),
            number=number,
            heading=(item.get("heading") or "").strip(),
            body=(item.get("body") or "").strip(),
            lead_as_written=item.get("lead_as_written") or "",
        )
        self.save(section, f"section {path}")
        section.lead_agencies.set(self.agencies(item.get("lead"), f"section {path}"))
        if item.get("key"):
            self.section_keys[item["key"]] = section
        for child_order, child in enumerate(item.get("children") or []):
            self.load_section(child, parent=section, order=child_order, path=path)

    def _next_section_order(self) -> int:
        # Sections are numbered in document order across the whole tree, so that one query ordered
        # by `order` reads the plan from top to bottom.
        self._section_counter = getattr(self, "_section_counter", -1) + 1
        return self._section_counter

    def load_responsibilities(self) -> None:
        for order, item in enumerate(self.data.get("responsibilities", [])):
            what = f"responsibility {item.get('number') or order + 1}"
            responsibility = AgencyResponsibility(
                plan=self.plan,
                agency=self.agency(item["agency"], what),
                order=order,
                number=str(item.get("number") or ""),
                heading=normalize(item["heading"]),
            )
            self.save(responsibility, what)
            for duty_order, duty_item in enumerate(item.get("duties", [])):
                duty = Duty(
                    responsibility=responsibility,
                    order=duty_order,
                    marker=str(duty_item.get("marker") or ""),
                    text=duty_item["text"].strip(),
                )
                self.save(duty, f"{what}, duty {duty_order + 1}")
                codes = duty_item.get("leads") or []
                projects = list(ProgramProject.objects.filter(code__in=codes))
                if len(projects) != len(set(codes)):
                    raise SeedError(self.where(f"{what}: unknown programme project in {codes}"))
                duty.led_projects.set(projects)

    def load_reporting(self) -> None:
        for order, item in enumerate(self.data.get("reporting", [])):
            what = f"reporting obligation {order + 1}"
            obligation = ReportingObligation(
                plan=self.plan,
                order=order,
                number=str(item.get("number") or ""),
                text=item["text"].strip(),
                reporters_as_written=item.get("reporters_as_written") or "",
                recipient_as_written=item.get("recipient_as_written") or "",
                via_agency=self.agency(item.get("via"), what),
                subject=item.get("subject") or "",
                frequency=item.get("frequency") or "once",
                due_date=_date(item.get("due_date"), self.where(what)),
            )
            self.save(obligation, what)
            obligation.reporters.set(self.agencies(item.get("reporters"), what))

    def load_appendices(self) -> None:
        for order, item in enumerate(self.data.get("appendices", [])):
            code = str(item["code"])
            what = f"appendix {code}"
            appendix = Appendix(
                plan=self.plan,
                code=code,
                order=order,
                kind=item["kind"],
                title=item["title"].strip(),
                note=item.get("note") or "",
                number_header=item.get("number_header") or "",
                label_header=item.get("label_header") or "",
                columns=item.get("columns") or [],
                in_source=item.get("in_source", True),
            )
            self.save(appendix, what)
            self.appendices[code] = appendix
            if appendix.kind == AppendixKind.HOUSEHOLD_FIGURES:
                self.load_household_rows(appendix, item.get("rows") or [])

    def load_household_rows(self, appendix: Appendix, rows: list[dict]) -> None:
        columns = appendix.columns
        for order, row in enumerate(rows):
            what = f"appendix {appendix.code}, row “{row.get('label')}”"
            try:
                locality = Locality.objects.get(slug=row["locality"])
            except Locality.DoesNotExist as error:
                raise SeedError(self.where(f"{what}: unknown locality {row['locality']}")) from error
            values = row.get("values") or []
            if len(values) != len(columns):
                raise SeedError(self.where(f"{what}: {len(values)} values for {len(columns)} columns"))
            self.save(
                AppendixRow(
                    appendix=appendix,
                    locality=locality,
                    order=order,
                    number=str(row.get("number") or ""),
                    label=normalize(row["label"]),
                    is_total=bool(row.get("total")),
                ),
                what,
            )
            by_year_kind: dict[tuple[int, str], dict] = defaultdict(dict)
            for column, text in zip(columns, values, strict=False):
                model_field = HOUSEHOLD_FIELDS[column["field"]]
                cell = f"{what}, column “{column.get('group', '')} {column['header']}”".replace("“ ", "“")
                by_year_kind[(column["year"], column["kind"])][model_field] = _number(
                    text, self.where(cell), integer=model_field != "published_rate"
                )
            for (year, kind), figures in by_year_kind.items():
                if figures.get("published_rate") is not None:
                    # "1,2" stays "1,2" wherever the figure is shown again: the decimals the document printed.
                    figures["published_rate_places"] = rate_places(figures["published_rate"])
                existing = HouseholdFigure.objects.filter(plan=self.plan, locality=locality, year=year, kind=kind)
                if existing.exists():
                    raise SeedError(self.where(f"{what}: {year} {kind} given twice"))
                self.save(
                    HouseholdFigure(plan=self.plan, locality=locality, year=year, kind=kind, **figures),
                    f"{what}, {year} {kind}",
                )

    def load_indicators(self) -> None:
        for order, item in enumerate(self.data.get("indicators", [])):
            what = f"indicator {item['indicator']}"
            try:
                indicator = Indicator.objects.get(code=item["indicator"])
            except Indicator.DoesNotExist as error:
                raise SeedError(self.where(f"{what}: not in catalogue.yaml")) from error
            appendix = self.appendices.get(str(item["appendix"])) if item.get("appendix") else None
            section = self.section_keys.get(item["section"]) if item.get("section") else None
            if item.get("section") and section is None:
                raise SeedError(self.where(f"{what}: unknown section key {item['section']}"))
            plan_indicator = PlanIndicator(
                plan=self.plan,
                indicator=indicator,
                appendix=appendix,
                section=section,
                order=order,
                number=str(item.get("number") or ""),
                group_heading=item.get("group_heading") or "",
                text=item["text"].strip(),
                lead_agency=self.agency(item.get("lead"), what),
                responsible_as_written=item.get("responsible_as_written") or "",
            )
            self.save(plan_indicator, what)
            plan_indicator.coordinating_agencies.set(self.agencies(item.get("coordinating"), what))
            for value in self._indicator_values(item, appendix, what):
                self.save(IndicatorValue(plan_indicator=plan_indicator, **value), f"{what}, {value['year']}")

    def _indicator_values(self, item: dict, appendix: Appendix | None, what: str) -> list[dict]:
        values: dict[tuple[int, str], dict] = {}
        if appendix is not None:
            year_columns = [column for column in appendix.columns if column.get("year")]
            cells = item.get("cells") or []
            if len(cells) != len(year_columns):
                raise SeedError(self.where(f"{what}: {len(cells)} cells for {len(year_columns)} year columns"))
            for column, text in zip(year_columns, cells, strict=False):
                if text in (None, ""):
                    continue
                number = _number(text, self.where(f"{what}, {column['header']}"))
                values[(column["year"], column["kind"])] = {
                    "year": column["year"],
                    "kind": column["kind"],
                    "value": number,
                    # "9,7" stays "9,7" and "100" stays "100" wherever the value is shown again.
                    "value_places": written_places(number),
                    "qualifier": "exactly",
                    "value_as_written": str(text),
                }
        for entry in item.get("values") or []:
            key = (entry["year"], entry.get("kind", "target"))
            number = _number(entry["value"], self.where(f"{what}, {key[0]}"))
            if key in values and values[key]["value"] != number:
                raise SeedError(self.where(f"{what}, {key[0]}: the text's value differs from the appendix cell"))
            values[key] = {
                **values.get(key, {}),
                "year": key[0],
                "kind": key[1],
                "value": number,
                "value_places": written_places(number),
                "qualifier": entry.get("qualifier") or "exactly",
                "value_as_written": entry.get("as_written") or str(entry["value"]),
                "note": entry.get("note") or "",
            }
        return list(values.values())

    def load_policy_tasks(self) -> None:
        for order, item in enumerate(self.data.get("policy_tasks", [])):
            what = f"policy task {item.get('number') or order + 1}"
            task = PolicyTask(
                plan=self.plan,
                appendix=self.appendices.get(str(item["appendix"])) if item.get("appendix") else None,
                order=order,
                number=str(item.get("number") or ""),
                text=item["text"].strip(),
                lead_agency=self.agency(item["lead"], what),
                lead_as_written=item.get("lead_as_written") or "",
                coordinating_as_written=item.get("coordinating_as_written") or "",
                deadline_as_written=item.get("deadline_as_written") or "",
                deadline_year=item.get("deadline_year"),
                deadline_date=_date(item.get("deadline_date"), self.where(what)),
                note=item.get("note") or "",
            )
            self.save(task, what)
            task.coordinating_agencies.set(self.agencies(item.get("coordinating"), what))


def seed_plan(data: dict, report: SeedReport, *, source: str, replace: bool = False) -> Plan | None:
    """Create the plan described by `data`; skip it when its slug exists, unless `replace`."""
    slug = data["plan"]["slug"]
    existing = Plan.objects.filter(slug=slug).first()
    if existing and not replace:
        report.skipped_plans.append(slug)
        return None
    if existing:
        existing.delete()
    plan = _PlanLoader(data, report, source).load()
    report.loaded_plans.append(slug)
    return plan

"""The layout of an appendix sheet, derived from the appendix itself: its title lines, headers, `columns` and kind.

The export writes any `SheetLayout` and the import reads any `SheetLayout`; neither knows a province.
What differs between appendix kinds is only where the rows come from (household figures, a plan's
indicators, its policy tasks), and that is the `rows` iterator of the layout.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import PlanIndicator
from kernel.numbers import MAX_RATE_PLACES, decimal_places, rate_places
from plan_tables.household import household_columns, household_table
from plan_tables.selectors import PlanTables
from plans.models import Appendix, AppendixKind, Plan, PolicyTask

COUNT_FORMAT = "#,##0"  # Excel shows the reader's own thousands separator: 7.540 in a Vietnamese Excel
RATE_FORMAT = "0.00"
FONT_NAME = "Times New Roman"  # official documents use it
FINDINGS_PREFIX = "Kiểm tra – "  # companion sheets with the data-quality findings of an appendix
SHEET_NAME_LIMIT = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Where the table starts: the title lines, the attachment note, one blank row, then the header.
BLANK_ROWS_BEFORE_HEADER = 1


class Role:
    NUMBER = "number"  # the STT column
    LABEL = "label"  # the locality, indicator or task
    FIGURE = "figure"  # a published figure, imported back
    TEXT = "text"  # text shown as published (unit, agencies, deadline), export-only


@dataclass(frozen=True)
class SheetColumn:
    header: str
    role: str
    width: float
    group: str = ""  # the merged header above several columns (“Kết quả năm 2021”)
    field: str = ""  # figure: households, poor_households, … or value; text: unit, responsible, lead, …
    year: int | None = None
    kind: str = ""  # result / target / baseline
    bold: bool = False
    number_format: str = ""  # "" for figures formatted per value (indicator measures)
    # The document leaves an agency cell blank under a group when the agency above carries on: such a
    # blank is merged into the cell above, as the printed table's layout implies.
    continues_blank: bool = False
    align: str = "left"

    @property
    def title(self) -> str:
        """The column as a person names it, with its group: “Năm 2024 — Tổng số hộ nghèo”."""
        return f"{self.group} — {self.header}" if self.group else self.header


@dataclass
class SheetRow:
    number: str
    label: str
    values: list  # one per data column
    label_lead: str = ""  # a bold lead-in printed before the label (an indicator's group heading)
    bold: bool = False  # the total row
    starts_group: bool = True  # rows with a blank number continue the group above

    @property
    def full_label(self) -> str:
        return f"{self.label_lead} {self.label}" if self.label_lead else self.label


@dataclass
class SheetLayout:
    appendix: Appendix
    sheet_name: str
    data_columns: list[SheetColumn]
    rows: Callable[[], Iterator[SheetRow]]
    label_width: float = 24
    importable: bool = False
    # A line under the title naming the poverty standard(s) of the figures (household tables, as exported), written
    # in the blank row above the header; the import reads the table from its header, so it does not care.
    standard_line: str = ""
    leading: list[SheetColumn] = field(init=False)

    def __post_init__(self):
        self.leading = [
            SheetColumn(header=self.appendix.number_header, role=Role.NUMBER, width=5.5, align="center"),
            SheetColumn(header=self.appendix.label_header, role=Role.LABEL, width=self.label_width),
        ]

    @property
    def columns(self) -> list[SheetColumn]:
        return [*self.leading, *self.data_columns]

    @property
    def title_lines(self) -> list[str]:
        return self.appendix.title_lines

    @property
    def note(self) -> str:
        return self.appendix.note

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.data_columns)

    @property
    def header_row_count(self) -> int:
        return 2 if self.has_groups else 1

    @property
    def header_row(self) -> int:
        """The first header row, as the export writes it (1-based)."""
        return len(self.title_lines) + (1 if self.note else 0) + BLANK_ROWS_BEFORE_HEADER + 1

    @property
    def first_data_row(self) -> int:
        return self.header_row + self.header_row_count


def value_format(value) -> str:
    """A number format showing a measure with the decimals it carries (an indicator value as printed,
    `IndicatorValue.value_as_printed`): 72,5 and 9,70 and 100 and 2.050 as the plan writes them."""
    if isinstance(value, Decimal):
        places = decimal_places(value)
    elif isinstance(value, float):
        places = len(repr(value).split(".")[1].rstrip("0")) if "." in repr(value) else 0
    else:
        places = 0
    return COUNT_FORMAT + ("." + "0" * min(places, 4) if places else "")


def rate_format(value) -> str:
    """A rate's number format with the decimals it was published with: 1,2 → "0.0", 2,27 → "0.00"."""
    places = rate_places(value) if isinstance(value, Decimal) else MAX_RATE_PLACES
    return "0." + "0" * places if places else "0"


def figure_format(column: SheetColumn, value) -> str:
    """The number format of a figure cell: the column's own, or chosen by the value (rates, indicator measures)."""
    if column.number_format:
        return column.number_format
    return rate_format(value) if column.field == "poverty_rate" else value_format(value)


def sheet_names(plan: Plan, exported: list[Appendix] | None = None) -> dict[str, str]:
    """Each exported appendix's sheet name, by code: the document's own heading (“Phụ lục 01”, “Phụ lục 3”).

    Export and import both ask here, so the import identifies an appendix by the sheet the export wrote.
    `exported`: the plan's `exported_appendices`, when the caller has read them already.
    """
    names: dict[str, str] = {}
    for appendix in exported_appendices(plan) if exported is None else exported:
        base = _SHEET_NAME_FORBIDDEN.sub(" ", appendix.heading.split(":")[0]).strip() or appendix.code
        name = base[:SHEET_NAME_LIMIT]
        if name.casefold() in {taken.casefold() for taken in names.values()}:
            suffix = f" ({appendix.code})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        names[appendix.code] = name
    return names


def findings_sheet_name(code: str) -> str:
    return (FINDINGS_PREFIX + code)[:SHEET_NAME_LIMIT]


def exported_appendices(plan: Plan):
    """The appendices a workbook holds: those the recorded text includes, in the document's order."""
    return plan.appendices.filter(in_source=True).order_by("order")


def appendix_layout(appendix: Appendix, sheet_name: str, tables: PlanTables | None = None) -> SheetLayout:
    """The appendix's layout; its rows come from `tables` (the plan's tables as the export has read them for the
    data-quality check too) where given, else from their own queries."""
    builder = _BUILDERS.get(appendix.kind, _text_layout)
    return builder(appendix, sheet_name, tables)


# --- one builder per kind of appendix: which columns, and where the rows come from ------------------


def _household_layout(appendix: Appendix, sheet_name: str, tables: PlanTables | None) -> SheetLayout:
    columns = [
        SheetColumn(
            header=column.header,
            group=column.group,
            role=Role.FIGURE,
            field=column.field,
            year=column.year,
            kind=column.kind,
            bold=column.bold,
            # A rate with the decimals the document printed (“1,2”, “2,27”): its format is chosen per value.
            number_format="" if column.is_rate else COUNT_FORMAT,
            width=9.5 if column.is_rate else 11,
            align="right",
        )
        for column in household_columns(appendix)
    ]

    def rows() -> Iterator[SheetRow]:
        # The total where the document prints it: first (Thừa Thiên Huế) or last (Hưng Yên).
        table = tables.household[appendix.pk] if tables else household_table(appendix, with_figures=False)
        for row in table.published_order:
            yield SheetRow(number=row.number, label=row.label, values=row.cells, bold=row.is_total)

    standard_line = tables.household[appendix.pk].standard_line if tables else ""
    return SheetLayout(
        appendix, sheet_name, columns, rows, label_width=22, importable=True, standard_line=standard_line
    )


INDICATOR_TEXT_FIELDS = {"unit", "responsible"}


def _indicator_layout(appendix: Appendix, sheet_name: str, tables: PlanTables | None) -> SheetLayout:
    columns = []
    for spec in appendix.columns:
        if spec.get("year"):
            columns.append(
                SheetColumn(
                    header=spec["header"],
                    group=spec.get("group", ""),
                    role=Role.FIGURE,
                    field="value",
                    year=spec["year"],
                    kind=spec.get("kind", "target"),
                    bold=bool(spec.get("bold")),
                    width=10,
                    align="right",
                )
            )
        elif spec.get("field") == "unit":
            columns.append(SheetColumn(header=spec["header"], role=Role.TEXT, field="unit", width=7, align="center"))
        else:
            columns.append(
                SheetColumn(
                    header=spec["header"],
                    role=Role.TEXT,
                    field=spec.get("field", ""),
                    width=28,
                    continues_blank=spec.get("field") == "responsible",
                    align="center",
                )
            )

    def rows() -> Iterator[SheetRow]:
        if tables:
            indicators = [pi for pi in tables.indicators if pi.appendix_id == appendix.pk]
        else:
            indicators = (
                PlanIndicator.objects.filter(appendix=appendix)
                .select_related("indicator")
                .prefetch_related("values")
                .order_by("order")
                .iterator(chunk_size=500)
            )
        for plan_indicator in indicators:
            # As printed ("9,7", "60,68", "100"): the cell's number format shows the decimals the value carries.
            values = {(value.year, value.kind): value.value_as_printed for value in plan_indicator.values.all()}
            cells = []
            for column in columns:
                if column.role == Role.FIGURE:
                    cells.append(values.get((column.year, column.kind)))
                elif column.field == "unit":
                    cells.append(plan_indicator.indicator.unit)
                elif column.field == "responsible":
                    cells.append(plan_indicator.responsible_as_written)
                else:
                    cells.append("")
            yield SheetRow(
                number=plan_indicator.number,
                label=plan_indicator.text,
                label_lead=plan_indicator.group_heading,
                values=cells,
                starts_group=bool(plan_indicator.number),
            )

    return SheetLayout(appendix, sheet_name, columns, rows, label_width=58, importable=True)


def _policy_value(task: PolicyTask, field_name: str) -> str:
    if field_name == "lead":
        return task.lead_as_written or task.lead_agency.name
    if field_name == "coordinating":
        return task.coordinating_as_written or ", ".join(agency.name for agency in task.coordinating_agencies.all())
    if field_name == "deadline":
        return task.deadline_as_written or (str(task.deadline_year) if task.deadline_year else "")
    if field_name == "note":
        return task.note
    return ""


POLICY_WIDTHS = {"lead": 24, "coordinating": 24, "deadline": 16, "note": 12}


def _policy_layout(appendix: Appendix, sheet_name: str, tables: PlanTables | None) -> SheetLayout:
    columns = [
        SheetColumn(
            header=spec["header"],
            role=Role.TEXT,
            field=spec.get("field", ""),
            width=POLICY_WIDTHS.get(spec.get("field", ""), 20),
            align="center",
        )
        for spec in appendix.columns
    ]

    def rows() -> Iterator[SheetRow]:
        tasks = (
            PolicyTask.objects.filter(appendix=appendix)
            .select_related("lead_agency")
            .prefetch_related("coordinating_agencies")
            .order_by("order")
        )
        for task in tasks.iterator(chunk_size=500):
            yield SheetRow(
                number=task.number, label=task.text, values=[_policy_value(task, column.field) for column in columns]
            )

    return SheetLayout(appendix, sheet_name, columns, rows, label_width=50)


def _text_layout(appendix: Appendix, sheet_name: str, tables: PlanTables | None = None) -> SheetLayout:
    """An appendix whose rows the application does not record: its title and header only."""
    columns = [SheetColumn(header=spec.get("header", ""), role=Role.TEXT, width=20) for spec in appendix.columns]
    return SheetLayout(appendix, sheet_name, columns, lambda: iter(()), label_width=40)


_BUILDERS = {
    AppendixKind.HOUSEHOLD_FIGURES: _household_layout,
    AppendixKind.INDICATOR_TARGETS: _indicator_layout,
    AppendixKind.POLICY_TASKS: _policy_layout,
}

"""Reading an appendix workbook back: every cell validated and the changes listed before anything is written.

`read_workbook` never writes. It returns the errors (each naming sheet, row and column), notices and
the exact changes (locality / indicator, year, column: old → new); `apply_changes` then writes them
all in one transaction or none. The appendix of a sheet is found by the sheet's name, which is what
the export writes (`layout.sheet_names`).
"""

from django.utils.translation import gettext as _

from plans.models import Appendix, AppendixKind, Plan
from workflow.permissions import Checker

from .changes import Change, ImportResult, apply_changes
from .export import WORKBOOK_IDENTIFIER_PREFIX
from .files import open_workbook
from .layout import FINDINGS_PREFIX, appendix_layout, exported_appendices, sheet_names
from .problems import ImportRefused, Problem
from .sheets import HouseholdSheet, IndicatorSheet, same_text
from .versions import VERSIONS_SHEET, find_conflicts, read_versions

__all__ = ["Change", "ImportRefused", "ImportResult", "Problem", "apply_changes", "is_importable", "read_workbook"]

IMPORTABLE_KINDS = {AppendixKind.HOUSEHOLD_FIGURES: HouseholdSheet, AppendixKind.INDICATOR_TARGETS: IndicatorSheet}


def is_importable(appendix: Appendix) -> bool:
    return appendix.kind in IMPORTABLE_KINDS


def export_only_message(appendix: Appendix) -> str:
    return _("%(appendix)s is export-only: its rows (%(kind)s) cannot be imported from a workbook.") % {
        "appendix": appendix.heading.split(":")[0],
        "kind": appendix.get_kind_display().lower(),
    }


def read_workbook(source, *, size: int, plan: Plan, appendix: Appendix | None = None, user=None) -> ImportResult:
    """Validate the workbook in `source` against the plan (or only `appendix`); write nothing.

    Each changed row is also checked against what `user` may change and what the review has locked; without
    a user (the management command, run by the server's operator) every row may change that is not locked.
    """
    result = ImportResult()
    if appendix is not None and not is_importable(appendix):
        result.errors.append(Problem(export_only_message(appendix)))
        return result
    checker = Checker(user, plan)
    try:
        workbook = open_workbook(source, size=size)
    except ImportRefused as refused:
        result.errors.extend(refused.problems)
        return result
    for worksheet, chosen in _sheets_to_read(workbook, plan, appendix, result):
        if worksheet.sheet_state != "visible":
            # Hidden in Excel, so perhaps not what the person uploading looked at: said, then read as usual.
            result.notices.append(
                Problem(
                    _("This sheet is hidden in the workbook; its figures are read all the same."),
                    sheet=worksheet.title,
                )
            )
        layout = appendix_layout(chosen, worksheet.title)
        IMPORTABLE_KINDS[chosen.kind](worksheet, layout, plan, result, checker).read()
        result.sheets.append(worksheet.title)
    if result.ok and result.changes:
        _check_versions(workbook, plan, result)
    return result


def _check_versions(workbook, plan: Plan, result: ImportResult) -> None:
    """Changed cells whose stored figure changed since the workbook was made are conflicts (versions.py)."""
    record, notice = read_versions(workbook, plan)
    if record is None:
        result.detects_conflicts = False
        result.notices.insert(0, notice)
        return
    result.conflicts = find_conflicts(plan, record, result.changes)


def _sheets_to_read(workbook, plan: Plan, appendix: Appendix | None, result: ImportResult):
    identifier = workbook.identifier
    if identifier.startswith(WORKBOOK_IDENTIFIER_PREFIX) and identifier != WORKBOOK_IDENTIFIER_PREFIX + plan.slug:
        result.errors.append(
            Problem(
                _("This workbook was exported from another plan (%(slug)s), not from %(plan)s.")
                % {"slug": identifier.removeprefix(WORKBOOK_IDENTIFIER_PREFIX), "plan": plan.reference}
            )
        )
        return []
    names = sheet_names(plan)
    appendices = {item.code: item for item in exported_appendices(plan)}
    found = ", ".join(f"“{sheet.title}”" for sheet in workbook.worksheets)
    if appendix is not None:
        expected = names.get(appendix.code)
        for worksheet in workbook.worksheets:
            if expected and same_text(worksheet.title, expected):
                return [(worksheet, appendix)]
        result.errors.append(
            Problem(
                _(
                    "The workbook has no sheet “%(sheet)s” (its sheets: %(found)s). Export this appendix, "
                    "edit that file and upload it."
                )
                % {"sheet": expected or appendix.code, "found": found}
            )
        )
        return []
    chosen = []
    for worksheet in workbook.worksheets:
        if worksheet.title.startswith(FINDINGS_PREFIX) or worksheet.title == VERSIONS_SHEET:
            continue  # the data-quality findings the export adds: for reading, not importing
        code = next((code for code, name in names.items() if same_text(worksheet.title, name)), None)
        if code is None:
            expected = ", ".join(f"“{name}”" for name in names.values())
            result.errors.append(
                Problem(
                    _("This sheet is not an appendix of %(plan)s (its sheets are named %(expected)s).")
                    % {"plan": plan.reference, "expected": expected},
                    sheet=worksheet.title,
                )
            )
        elif not is_importable(appendices[code]):
            result.notices.append(Problem(export_only_message(appendices[code]), sheet=worksheet.title))
        else:
            chosen.append((worksheet, appendices[code]))
    if not chosen and not result.errors:
        result.errors.append(Problem(_("The workbook holds no appendix that can be imported.")))
    return chosen

"""Data-quality check of a plan: every derivable figure recomputed and compared with the published one.

Interface used by the quality page, the plan page (a count), the spreadsheet export (a findings
sheet) and `manage.py check_plan_data`. The published figures are never changed.
"""

from dataclasses import dataclass
from decimal import Decimal

from plans.models import Plan


@dataclass(frozen=True)
class Finding:
    rule: str  # a stable code, e.g. "rate_from_counts", "total_is_sum", "remaining_is_previous_minus_reduction"
    table: str  # the table as a person names it, e.g. "Phụ lục 01"
    appendix_code: str  # "" for findings outside an appendix (indicator targets stated in the text)
    row: str  # the row label as published, e.g. "Tổng cộng", "Phù Cừ"
    column: str  # the column as published, with its group, e.g. "Năm 2024 — Tổng số hộ nghèo"
    published: Decimal | int | None
    computed: Decimal | int | None
    difference: Decimal | int | None
    message: str  # a translated sentence a reviewer understands


def check_plan(plan: Plan) -> list[Finding]:
    """All findings of the plan, in table, row and column order."""
    return []

"""Reporting deadlines: due in N days, overdue by N days, reported on … — one meaning of each, for every page.

`Deadline` is the one class that says where a reporting obligation stands on a given day; the plan page, the
agency page, the results page and the review screen all show its state with the same badge
(templates/analysis/_deadline_badge.html).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from plans.models import Plan, ReportingObligation


class DeadlineState(StrEnum):
    REPORTED = "reported"
    OVERDUE = "overdue"
    DUE = "due"
    UNDATED = "undated"


@dataclass(frozen=True)
class Deadline:
    obligation: ReportingObligation
    today: datetime.date

    @property
    def days_left(self) -> int | None:
        """Days until the due date: negative once it has passed; None without a due date."""
        due = self.obligation.due_date
        return (due - self.today).days if due else None

    @property
    def state(self) -> DeadlineState:
        if self.obligation.reported_on:
            return DeadlineState.REPORTED
        if self.days_left is None:
            return DeadlineState.UNDATED
        return DeadlineState.OVERDUE if self.days_left < 0 else DeadlineState.DUE

    @property
    def days_overdue(self) -> int:
        """Days past the due date of a report not yet sent (0 when it is not overdue)."""
        return -self.days_left if self.state == DeadlineState.OVERDUE else 0

    @property
    def days_late(self) -> int:
        """Days a sent report came after its due date (0 when on time or undated)."""
        due, sent = self.obligation.due_date, self.obligation.reported_on
        return max(0, (sent - due).days) if due and sent else 0


def deadlines_of(obligations: Iterable[ReportingObligation], today: datetime.date | None = None) -> list[Deadline]:
    today = today or timezone.localdate()
    return [Deadline(obligation, today) for obligation in obligations]


def reporting_deadlines(plan: Plan, today: datetime.date | None = None) -> list[Deadline]:
    """The plan's reporting obligations in the document's order, each with its state on `today`."""
    return deadlines_of(plan.reporting_obligations.order_by("order", "pk"), today)

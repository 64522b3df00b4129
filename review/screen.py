"""The review screen: each part of a plan's tables, where it stands in review, its changes since the last
approval (from the change log, workflow.changelog) and what the data-quality check finds in it."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analysis.quality import TARGET_DIRECTION, Finding, check_plan
from plans.models import AppendixKind, AppendixRow, Plan
from workflow.changelog import FIGURE, KINDS, NOT_INITIAL, VALUE, ChangeEntry, entries_by_history_id
from workflow.models import ReviewEvent, ReviewState, RoleAssignment, Table, TableReview
from workflow.permissions import Action, Checker

# --- the review screen: each part of a table, its changes since approval and its findings ---------


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    needs_comment: bool
    primary: bool = False
    # What the comment box is for, as its label says: an approval's remark and a return's reasons are different
    # things, and the reviewer sees both boxes side by side.
    comment_label: str = ""
    # Shown folded (a disclosure the reviewer opens): returning a part is the exception beside approving it.
    folded: bool = False


STEPS = (
    Step(
        Action.SUBMIT,
        gettext_lazy("Submit for review"),
        False,
        True,
        comment_label=gettext_lazy("Note for the reviewer (optional)"),
    ),
    Step(
        Action.APPROVE,
        gettext_lazy("Approve and lock"),
        False,
        True,
        comment_label=gettext_lazy("Comment on the approval (optional)"),
    ),
    Step(
        Action.RETURN,
        gettext_lazy("Return for changes"),
        True,
        comment_label=gettext_lazy("What must be changed (required)"),
        folded=True,
    ),
    Step(Action.REOPEN, gettext_lazy("Reopen"), True, comment_label=gettext_lazy("Why reopen it (required)")),
)
STATE_BADGES = {
    ReviewState.DRAFT: "",
    ReviewState.SUBMITTED: "warn",
    ReviewState.RETURNED: "overdue",
    ReviewState.APPROVED: "ok",
    ReviewState.REOPENED: "warn",
}


@dataclass
class ReviewPart:
    table: str
    locality: object  # a Locality, or None for the indicator table
    label: str
    review: TableReview
    is_total: bool = False
    changes: list[ChangeEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: list[ReviewEvent] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"part-{self.locality.slug}" if self.locality is not None else "part-indicators"

    @property
    def waiting(self) -> bool:
        return self.review.state == ReviewState.SUBMITTED

    @property
    def badge(self) -> str:
        return STATE_BADGES.get(self.review.state, "")

    @property
    def change_count(self) -> int:
        return len(self.changes)


@dataclass
class ReviewScreen:
    districts: list[ReviewPart]
    indicators: ReviewPart

    @property
    def parts(self) -> list[ReviewPart]:
        return [*self.districts, self.indicators]

    @property
    def waiting(self) -> list[ReviewPart]:
        return [part for part in self.parts if part.waiting]

    @property
    def has_steps(self) -> bool:
        """Whether the user may move any part (readers may not: they get no action column)."""
        return any(part.steps for part in self.parts)


def review_localities(plan: Plan) -> list[tuple[AppendixRow, bool]]:
    """The rows of the plan's household appendices, one per locality, in published order (the total included)."""
    rows = (
        AppendixRow.objects.filter(appendix__plan=plan, appendix__kind=AppendixKind.HOUSEHOLD_FIGURES)
        .select_related("locality", "appendix")
        .order_by("appendix__order", "order", "pk")
    )
    seen, unique = set(), []
    for row in rows:
        if row.locality_id not in seen:
            seen.add(row.locality_id)
            unique.append(row)
    return unique


def review_screen(plan: Plan, checker: Checker) -> ReviewScreen:
    """Every part of the plan's tables: state, last step, changes since its approval, findings, allowed steps."""
    reviews = {
        (r.table, r.locality_id): r
        for r in TableReview.objects.filter(plan=plan).select_related("changed_by", "locality")
    }
    events = defaultdict(list)
    for event in ReviewEvent.objects.filter(review__plan=plan).select_related("user").order_by("at", "pk"):
        events[event.review_id].append(event)

    def part(table, locality, label, is_total=False):
        key = (table, locality.pk if locality is not None else None)
        review = reviews.get(key) or TableReview(plan=plan, table=table, locality=locality)
        return ReviewPart(
            table=table,
            locality=locality,
            label=label,
            review=review,
            is_total=is_total,
            events=events.get(review.pk, []) if review.pk else [],
            steps=[step for step in STEPS if checker.can_transition(step.action, table, locality)],
        )

    rows = review_localities(plan)
    districts = [part(Table.DISTRICTS, row.locality, row.label, row.is_total) for row in rows]
    indicators = part(Table.INDICATORS, None, _("Indicator table"))
    _attach_changes(plan, districts, indicators)
    _attach_findings(plan, rows, districts, indicators)
    return ReviewScreen(districts, indicators)


def _since(review: TableReview) -> Q:
    return Q(history_date__gt=review.approved_at) if review.approved_at else Q()


def _attach_changes(plan: Plan, districts: list[ReviewPart], indicators: ReviewPart) -> None:
    """History since each part's last approval (everything if never approved): four queries in all."""
    figure_kind, value_kind = KINDS[FIGURE], KINDS[VALUE]
    if districts:
        condition = Q()
        for district in districts:
            condition |= Q(locality_id=district.locality.pk) & _since(district.review)
        # The initial load is the document itself, not a change since any approval.
        found = list(
            figure_kind.history_of(plan).filter(condition, NOT_INITIAL).values_list("history_id", "history_date")
        )
        if found:
            by_locality = defaultdict(list)
            described = entries_by_history_id(figure_kind, {h for h, _d in found}, max(d for _h, d in found))
            for entry in described.values():
                if entry.changes:
                    by_locality[entry.record.locality_id].append(entry)
            for district in districts:
                district.changes = sorted(by_locality[district.locality.pk], key=_newest_first)
    found = list(
        value_kind.history_of(plan)
        .filter(_since(indicators.review), NOT_INITIAL)
        .values_list("history_id", "history_date")
    )
    if found:
        described = entries_by_history_id(value_kind, {h for h, _d in found}, max(d for _h, d in found))
        indicators.changes = sorted((e for e in described.values() if e.changes), key=_newest_first)


def _newest_first(entry: ChangeEntry):
    return (-entry.at.timestamp(), -entry.history_id)


def _attach_findings(plan: Plan, rows: list[AppendixRow], districts: list[ReviewPart], indicators: ReviewPart):
    """The data-quality findings of each part: its appendix rows, its figures outside the appendices."""
    by_row = {(row.appendix.code, row.label): row.locality_id for row in rows}
    by_name = {row.locality.name: row.locality_id for row in rows}
    parts = {district.locality.pk: district for district in districts}
    for finding in check_plan(plan):
        if finding.rule == TARGET_DIRECTION:
            indicators.findings.append(finding)
            continue
        if finding.appendix_code:
            locality_id = by_row.get((finding.appendix_code, finding.row))
        else:
            locality_id = by_name.get(finding.row)
        if locality_id in parts:
            parts[locality_id].findings.append(finding)


def ended_scopes(plan: Plan, day=None) -> list:
    """Role assignments of this plan's province scoped to a unit or an agency that has ended (a district abolished on
    01/07/2025, the Sở LĐ-TB&XH): they stay as they were — the permission check does not widen them to the merged,
    larger unit — and the review screen lists them so that an administrator reassigns them."""
    day = day or timezone.localdate()
    rows = plan.appendices.values("rows__locality_id")
    return list(
        RoleAssignment.objects.filter(
            Q(locality__valid_to__lt=day, locality_id__in=rows)
            | Q(agency__valid_to__lt=day, agency__province=plan.province)
        )
        .select_related("user", "locality", "agency")
        .order_by("user__username")
    )

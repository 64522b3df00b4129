"""The one permission check. Every view, form, import, export and admin page that writes asks here.

`Checker(user, plan)` answers for one plan, loading the user's scopes and the plan's review states
once, so that a grid or an import of thousands of rows asks without a query per row; `require` raises
PermissionDenied with the reason. Whether a user may read a plan is one rule (`Scopes.may_read`), asked
of one plan by `Checker.can_view` (and `viewable_plan`, the pages' way in) and of many by `visible_plans`.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from localities.models import Locality
from plans.models import Plan

from .models import ReviewState, Role, RoleAssignment, Table, TableReview

EDITABLE_STATES = {ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.REOPENED}


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # a figure, an indicator value, or (for reviewers) the plan's text, duties and tasks
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # The refusal in words that hold for every row it refuses alike ("your own unit's rows only"), said once above a
    # grid instead of in each row; empty where the reason names nothing row-specific.
    general_reason: str = ""

    @property
    def note(self) -> str:
        """What a grid says once for all the rows refused alike."""
        return self.general_reason or self.reason

    def __bool__(self):
        return self.allowed


ALLOWED = Decision(True)


@dataclass(frozen=True)
class Scopes:
    is_admin: bool
    reviewed_provinces: frozenset
    localities: frozenset
    agencies: frozenset
    read_provinces: frozenset
    reads_everything: bool

    @cached_property
    def provinces(self) -> frozenset:
        """Every province the user's roles reach: reviewed or read, and those of their units and agencies."""
        return self.reviewed_provinces | self.read_provinces | self.unit_provinces

    @cached_property
    def unit_provinces(self) -> frozenset:
        """The provinces of the user's own units (districts, communes) and agencies: one query each, when held."""
        from plans.models import Agency

        provinces = set()
        if self.localities:
            for locality in Locality.objects.filter(pk__in=self.localities).select_related("parent"):
                # A commune sat under a district until 30/06/2025; a ward from 01/07/2025 sits under its province.
                parent = locality.parent
                provinces.add(parent.parent_id if parent is not None and parent.parent_id else locality.parent_id)
        if self.agencies:
            provinces |= set(Agency.objects.filter(pk__in=self.agencies).values_list("province_id", flat=True))
        return frozenset(provinces)

    def may_read(self, plan: Plan) -> bool:
        """The one rule for reading a plan: a public plan, or one within the user's provinces."""
        return plan.is_public or self.is_admin or self.reads_everything or plan.province_id in self.provinces


# The server's operator: a management command run without --user (`import_appendix`) has no account to
# answer for. It acts with an administrator's scope, because whoever can run commands on the server can
# change the database anyway, but it does not bypass the review: an approved table stays locked and a
# reopened one still needs a reason. None is never a request's user (Django gives AnonymousUser), so a
# page cannot reach this scope by accident; the history records such a change with no user.
SYSTEM_SCOPES = Scopes(
    is_admin=True,
    reviewed_provinces=frozenset(),
    localities=frozenset(),
    agencies=frozenset(),
    read_provinces=frozenset(),
    reads_everything=True,
)


def scopes_of(user) -> Scopes:
    """The user's roles, read once per request (cached on the user object); None is the operator (SYSTEM_SCOPES)."""
    if user is None:
        return SYSTEM_SCOPES
    if not user.is_authenticated or not user.is_active:
        return Scopes(False, frozenset(), frozenset(), frozenset(), frozenset(), False)
    cached = getattr(user, "_workflow_scopes", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user).values_list("role", "province_id", "locality_id", "agency_id")
    )
    scopes = Scopes(
        is_admin=user.is_superuser,
        reviewed_provinces=frozenset(p for r, p, _l, _a in assignments if r == Role.REVIEWER),
        localities=frozenset(loc for r, _p, loc, _a in assignments if r == Role.LOCALITY_OFFICIAL),
        agencies=frozenset(a for r, _p, _l, a in assignments if r == Role.AGENCY_OFFICER),
        read_provinces=frozenset(p for r, p, _l, _a in assignments if r == Role.READER and p),
        reads_everything=any(r == Role.READER and not p for r, p, _l, _a in assignments),
    )
    user._workflow_scopes = scopes
    return scopes


class Checker:
    """What one user may do in one plan; `user=None` is the server's operator (see SYSTEM_SCOPES)."""

    def __init__(self, user, plan: Plan):
        self.user = user
        self.plan = plan
        self.scopes = scopes_of(user)

    @property
    def history_user(self):
        """Whom the history names for a change made through this checker: nobody for the operator."""
        return self.user if self.user is not None and self.user.is_authenticated else None

    # --- who the user is in this plan ----------------------------------------------------------------

    @property
    def is_reviewer(self) -> bool:
        return self.scopes.is_admin or self.plan.province_id in self.scopes.reviewed_provinces

    def can_view(self) -> Decision:
        return ALLOWED if self.scopes.may_read(self.plan) else Decision(False, _("This plan is not public."))

    # --- review states ------------------------------------------------------------------------------

    @cached_property
    def _reviews(self) -> dict[tuple[str, int | None], TableReview]:
        return {
            (r.table, r.locality_id): r for r in TableReview.objects.filter(plan=self.plan).select_related("changed_by")
        }

    def review(self, table: str, locality_id: int | None = None) -> TableReview:
        """The review of a part (a saved row, or an unsaved draft when the part was never reviewed)."""
        key = (table, locality_id if table == Table.DISTRICTS else None)
        return self._reviews.get(key) or TableReview(plan=self.plan, table=table, locality_id=key[1])

    def state(self, table: str, locality_id: int | None = None) -> str:
        # Asked for every row of an import: a part never reviewed is a draft, without building its review.
        review = self._reviews.get((table, locality_id if table == Table.DISTRICTS else None))
        return review.state if review is not None else ReviewState.DRAFT

    def reason_required(self, table: str, locality_id: int | None = None) -> bool:
        """A figure that was approved and then reopened may only change with a reason."""
        return self.state(table, locality_id) == ReviewState.REOPENED

    # --- editing ------------------------------------------------------------------------------------

    def _locked(self, table: str, locality_id: int | None, *, reviewer: bool) -> Decision | None:
        state = self.state(table, locality_id)
        if state == ReviewState.APPROVED:
            review = self.review(table, locality_id)
            who = review.changed_by or _("a reviewer")
            return Decision(False, _("Approved by %(who)s and locked; a reviewer must reopen it first.") % {"who": who})
        if state == ReviewState.SUBMITTED and not reviewer:
            return Decision(False, _("Submitted for review; it can be changed again if the reviewer returns it."))
        return None

    def in_locality_scope(self, locality: Locality) -> bool:
        return locality.pk in self.scopes.localities or (
            locality.parent_id is not None and locality.parent_id in self.scopes.localities
        )

    def can_edit_figure(self, locality: Locality) -> Decision:
        """May the user change this plan's figure for this locality (a row of the district table)?"""
        reviewer = self.is_reviewer
        if not reviewer and not self.in_locality_scope(locality):
            return Decision(
                False,
                _("You may only change the figures of your own unit, not those of %(unit)s.") % {"unit": locality.name},
                _("You can change only your own unit's rows; the other rows are read only."),
            )
        locked = self._locked(Table.DISTRICTS, locality.pk, reviewer=reviewer)
        return locked if locked is not None else ALLOWED

    def can_edit_indicator(self, plan_indicator) -> Decision:
        reviewer = self.is_reviewer
        if plan_indicator.plan_id != self.plan.pk:
            return Decision(False, _("This indicator belongs to another plan."))
        if not reviewer and plan_indicator.lead_agency_id not in self.scopes.agencies:
            return Decision(False, _("You may only change the indicators your agency leads."))
        locked = self._locked(Table.INDICATORS, None, reviewer=reviewer)
        return locked if locked is not None else ALLOWED

    def can_edit_document(self) -> Decision:
        """The plan's text, agencies' duties, policy tasks and reporting: reviewers of the province."""
        return ALLOWED if self.is_reviewer else Decision(False, _("Only the plan's reviewers change the plan."))

    @property
    def may_edit_anything(self) -> bool:
        """Whether any figure or value of this plan is within the user's scopes (shows the edit buttons)."""
        return self.is_reviewer or self.plan.province_id in self.scopes.unit_provinces

    @cached_property
    def may_edit_districts(self) -> bool:
        """Whether some row of the plan's district table is the user's to change: offer its grid only then."""
        if self.is_reviewer:
            return True
        if not self.scopes.localities:
            return False
        from plans.models import AppendixRow

        return AppendixRow.objects.filter(
            Q(locality__in=self.scopes.localities) | Q(locality__parent__in=self.scopes.localities),
            appendix__plan=self.plan,
        ).exists()

    @cached_property
    def may_edit_indicators(self) -> bool:
        """Whether some indicator of the plan is the user's to change (they lead it): offer its grid only then."""
        return self.is_reviewer or (bool(self.scopes.agencies) and self._leads_an_indicator())

    # --- review transitions -------------------------------------------------------------------------

    def can_transition(self, action: Action, table: str, locality: Locality | None = None) -> Decision:
        locality_id = locality.pk if locality is not None else None
        state = self.state(table, locality_id)
        if action == Action.SUBMIT:
            if state not in EDITABLE_STATES:
                return Decision(False, _("Only a draft, returned or reopened table can be submitted."))
            if self.is_reviewer:
                return ALLOWED
            if table == Table.DISTRICTS and locality is not None and self.in_locality_scope(locality):
                return ALLOWED
            if table == Table.INDICATORS and self.scopes.agencies and self._leads_an_indicator():
                return ALLOWED
            return Decision(False, _("You may only submit your own part of the table."))
        if not self.is_reviewer:
            return Decision(False, _("Only the plan's reviewers approve, return or reopen tables."))
        if action in (Action.APPROVE, Action.RETURN) and state != ReviewState.SUBMITTED:
            return Decision(False, _("Only a submitted table can be approved or returned."))
        if action == Action.REOPEN and state != ReviewState.APPROVED:
            return Decision(False, _("Only an approved table can be reopened."))
        return ALLOWED

    def _leads_an_indicator(self) -> bool:
        return self.plan.indicators.filter(lead_agency__in=self.scopes.agencies).exists()


def visible_plans(user):
    """The plans the user may read, as a queryset (for lists that span plans): the rule of `Scopes.may_read`."""
    s = scopes_of(user)
    if s.is_admin or s.reads_everything:
        return Plan.objects.all()
    return Plan.objects.filter(Q(is_public=True) | Q(province__in=s.provinces))


def viewable_plan(user, slug: str) -> Plan:
    """The plan of a URL, or 404 — also for a plan that is not public and not the user's (a page does not say
    that a plan it will not show exists)."""
    plan = get_object_or_404(Plan.objects.select_related("province"), slug=slug)
    if not Checker(user, plan).can_view():
        raise Http404
    return plan


def require(decision: Decision) -> None:
    if not decision:
        raise PermissionDenied(decision.reason)

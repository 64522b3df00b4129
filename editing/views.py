"""The editing grids: a plan's district table (one year and kind at a time) and its indicator values.

GET shows the grid, POST saves it through workflow.services (all or nothing) and redirects back.
Who may see and change what is asked of workflow.permissions.Checker, the one permission check:
an unknown plan, or one the user may not read, is a 404; a grid the user's scope does not reach at
all is a 403, and so is a request that changes a row the user may not edit.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from editing.baseline import plan_baseline_fill, plan_derived_confirm
from editing.grids import BatchForm, DistrictGrid, IndicatorGrid, default_year, edits_fingerprint, figure_views
from indicators.models import ValueKind
from kernel.numbers import active_separators
from plan_tables.household import household_table
from plan_tables.selectors import household_appendices
from plans.models import FigureKind, Plan
from workflow.models import Table
from workflow.permissions import Checker, viewable_plan
from workflow.services import save_figures, save_indicator_values

CONFIRM_WARNINGS = "confirm_warnings"  # the button that saves despite the warnings shown, for the entries shown


def _plan_and_checker(request, slug: str) -> tuple[Plan, Checker]:
    plan = viewable_plan(request.user, slug)
    return plan, Checker(request.user, plan)


def _kind(request, choices) -> str:
    kind = request.GET.get("kind") or choices[0]
    if kind not in choices:
        raise Http404(_("Unknown kind of figure."))
    return kind


@dataclass
class _Submitted:
    """What became of a posted grid: the batch form, others' changes, the redirect when saved, and the warnings to
    confirm (with the fingerprint of the entries they were computed for) when it was not saved because of them."""

    batch: BatchForm
    conflicts: list[str] = field(default_factory=list)
    redirect: HttpResponseRedirect | None = None
    warnings: list = field(default_factory=list)
    fingerprint: str = ""


def _submit(request, plan: Plan, checker: Checker, grid, kind: str, save) -> _Submitted:
    """Save a posted grid with `save` (a workflow service).

    The redirect comes when the save went through (or nothing was changed); otherwise the grid carries the
    messages next to its cells and the page is shown again with the user's entries. Nothing is written
    unless every changed cell is read and valid; a change to a row the user may not edit (another
    district's, an approved one) is refused with 403 before anything else is looked at. A save with
    consequences beyond its cells (analysis.consequences: a rate that moves, a total off its rows, a rate that
    halves, a target against its indicator's direction) is shown with its warnings first and written only by a post
    that confirms them for the same entries.
    """
    grid.require_editable()
    changed = bool(grid.changed_rows)
    batch = BatchForm(
        grid.data,
        with_source=kind == "result",
        reason_required=grid.reason_required(),
        saving=changed,
    )
    cells_valid = grid.is_valid()
    batch_valid = batch.is_valid()
    if not (cells_valid and batch_valid):
        grid.check_rows()
        return _Submitted(batch)
    if not changed:
        messages.info(request, _("Nothing was changed, so nothing was saved."))
        return _Submitted(batch, redirect=HttpResponseRedirect(request.get_full_path()))
    extra = batch.result_values
    reason = batch.cleaned_data.get("reason", "").strip()
    edits = grid.edits(extra)
    warnings = grid.warnings(edits)
    fingerprint = edits_fingerprint(edits) if warnings else ""
    if warnings and request.POST.get(CONFIRM_WARNINGS) != fingerprint:
        # The entries are checked as the save would check them first: what would be refused is said before what
        # would only be warned about.
        result = save(user=request.user, plan=plan, edits=edits, reason=reason, checker=checker, dry_run=True)
        if result.ok:
            return _Submitted(batch, warnings=warnings, fingerprint=fingerprint)
        grid.show_result(result, extra)
        return _Submitted(batch, [conflict.message for conflict in result.conflicts])
    result = save(
        user=request.user,
        plan=plan,
        edits=edits,
        reason=reason,
        checker=checker,
        confirmed_warnings=[str(warning) for warning in warnings],
    )
    if result.ok:
        messages.success(
            request,
            ngettext("%(count)d figure saved.", "%(count)d figures saved.", result.changed) % {"count": result.changed},
        )
        return _Submitted(batch, redirect=HttpResponseRedirect(request.get_full_path()))
    grid.show_result(result, extra)
    return _Submitted(batch, [conflict.message for conflict in result.conflicts])


def _submitted_context(request, submitted: _Submitted) -> dict:
    return {
        "batch": submitted.batch,
        "conflicts": submitted.conflicts,
        "warnings": submitted.warnings,
        "confirm_name": CONFIRM_WARNINGS,
        "fingerprint": submitted.fingerprint,
        # Shown again because of errors (or others' changes), not only because the warnings await confirmation.
        "has_errors": request.method == "POST" and not submitted.warnings,
    }


def _separators() -> dict[str, str]:
    decimal, thousand = active_separators()
    return {"decimal_separator": decimal, "thousand_separator": thousand}


@login_required
@require_http_methods(["GET", "POST"])
def edit_districts(request, slug):
    plan, checker = _plan_and_checker(request, slug)
    appendices = household_appendices(plan)
    code = request.GET.get("appendix")
    chosen = [a for a in appendices if a.code == code] if code else appendices[:1]
    if not chosen:
        raise Http404(_("This plan has no table of households by unit."))
    table = household_table(chosen[0])
    views = figure_views(plan, table)
    kind = _kind(request, [FigureKind.TARGET, FigureKind.RESULT])
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        raise Http404(_("Unknown year.")) from None
    if "kind" not in request.GET and (not views[kind] or (year is not None and year not in views[kind])):
        kind = FigureKind.RESULT  # a year (or an appendix) with results only
    if year is None:
        year = default_year(plan, views[kind])
    if year not in views[kind]:
        raise Http404(_("This table has no such year."))

    data = request.POST.copy() if request.method == "POST" else None
    grid = DistrictGrid(plan=plan, checker=checker, table=table, year=year, kind=kind, data=data)
    if not grid.entitled:
        raise PermissionDenied(_("You may not change any figure of this table."))

    if request.method == "POST":
        submitted = _submit(request, plan, checker, grid, kind, save_figures)
        if submitted.redirect is not None:
            return submitted.redirect
    else:
        submitted = _Submitted(BatchForm(with_source=kind == FigureKind.RESULT))

    base = reverse("editing:districts_edit", args=[plan.slug])
    appendix_query = f"appendix={table.appendix.code}&" if code else ""
    context = {
        "plan": plan,
        "household": table,
        "grid": grid,
        **_submitted_context(request, submitted),
        "year": year,
        "kind": kind,
        "views": [
            (view_kind, label, [(y, f"{base}?{appendix_query}kind={view_kind}&year={y}") for y in views[view_kind]])
            for view_kind, label in ((FigureKind.TARGET, _("Targets")), (FigureKind.RESULT, _("Results")))
            if views[view_kind]
        ],
        "other_appendices": [a for a in appendices if a.pk != table.appendix.pk],
        "reason_hint": grid.reason_hint,
        "read_url": reverse("reports:districts", args=[plan.slug])
        + (f"?appendix={table.appendix.code}" if code else ""),
        **_separators(),
    }
    return render(request, "editing/edit_districts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_indicators(request, slug):
    plan, checker = _plan_and_checker(request, slug)
    kind = _kind(request, [ValueKind.TARGET, ValueKind.RESULT])
    data = request.POST.copy() if request.method == "POST" else None
    grid = IndicatorGrid(plan=plan, checker=checker, kind=kind, data=data)
    if not grid.entitled:
        raise PermissionDenied(_("You may not change any indicator of this plan."))

    if request.method == "POST":
        submitted = _submit(request, plan, checker, grid, kind, save_indicator_values)
        if submitted.redirect is not None:
            return submitted.redirect
    else:
        submitted = _Submitted(BatchForm(with_source=kind == ValueKind.RESULT))

    review = checker.review(Table.INDICATORS)
    context = {
        "plan": plan,
        "grid": grid,
        **_submitted_context(request, submitted),
        "kind": kind,
        "review": review,
        "reason_hint": grid.reason_hint,
        "read_url": reverse("reports:indicators", args=[plan.slug]),
        **_separators(),
    }
    return render(request, "editing/edit_indicators.html", context)


@login_required
@require_http_methods(["POST"])
def fill_baseline(request, slug):
    """Fill a baseline year of the plan's table from the predecessors' results (editing.baseline)."""
    plan, checker = _plan_and_checker(request, slug)
    if not checker.can_edit_document():
        raise PermissionDenied(_("Only the plan's reviewers change the plan."))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    back = reverse("reports:districts", args=[plan.slug])
    if year is None or not 1990 <= year <= 2100:
        messages.error(request, _("Choose the year to fill."))
        return HttpResponseRedirect(back)
    outcome = plan_baseline_fill(user=request.user, plan=plan, year=year)
    if outcome.result is not None and not outcome.result.ok:
        for errors in outcome.result.errors.values():
            for error in errors:
                messages.error(request, error)
    elif outcome.filled:
        messages.success(
            request,
            _(
                "Results of %(year)s derived from the predecessors for: %(units)s. They are shown as derived until "
                "confirmed."
            )
            % {"year": year, "units": ", ".join(outcome.filled)},
        )
    else:
        messages.info(request, _("No result of %(year)s could be derived from the predecessors.") % {"year": year})
    for skipped in outcome.skipped:
        messages.warning(request, skipped)
    return HttpResponseRedirect(back)


@login_required
@require_http_methods(["POST"])
def confirm_derived(request, slug):
    plan, checker = _plan_and_checker(request, slug)
    if not checker.can_edit_document():
        raise PermissionDenied(_("Only the plan's reviewers change the plan."))
    result = plan_derived_confirm(user=request.user, plan=plan)
    if result.ok:
        messages.success(request, _("The derived figures are confirmed."))
    else:
        for errors in result.errors.values():
            for error in errors:
                messages.error(request, error)
    return HttpResponseRedirect(reverse("reports:districts", args=[plan.slug]))

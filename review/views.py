"""Review and approval, the change log, results against targets and reporting deadlines.

Thin views: every write goes through a service that asks the one permission check
(workflow.permissions); every read through review.screen or analysis.results.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from analysis.deadlines import reporting_deadlines
from plans.models import ReportingObligation
from review import screen
from workflow import changelog
from workflow.models import Table
from workflow.permissions import Action, Checker, viewable_plan
from workflow.services import reporting_obligation_mark_reported, review_transition

CHANGES_PER_PAGE = 50
REVIEW_ACTIONS = {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN}
# What was done and what follows from it, shown on the review screen after each step.
CONFIRMATIONS = {
    Action.SUBMIT: gettext_lazy(
        "%(part)s submitted for review: it cannot be changed until a reviewer approves it or returns it."
    ),
    Action.APPROVE: gettext_lazy("%(part)s approved and locked: nobody can change it until a reviewer reopens it."),
    Action.RETURN: gettext_lazy("%(part)s returned for changes, with your comment: it can be edited again."),
    Action.REOPEN: gettext_lazy("%(part)s reopened: it can be edited again, and every change needs a reason."),
}


def _refused(request, plan, reason: str):
    """403 with the reason, so that the person knows why (and nothing was changed)."""
    return render(request, "review/_review_refused.html", {"plan": plan, "reason": reason}, status=403)


# --- review and approval ----------------------------------------------------------------------------


@login_required
def review_overview(request, slug):
    plan = viewable_plan(request.user, slug)
    checker = Checker(request.user, plan)
    review_screen = screen.review_screen(plan, checker)
    context = {
        "plan": plan,
        "screen": review_screen,
        "reporting": reporting_deadlines(plan),
        "can_mark_reported": bool(checker.can_edit_document()),
        "ended_scopes": screen.ended_scopes(plan),
    }
    return render(request, "review/review.html", context)


# No view that writes answers a GET: 405 first, logged in or not.
@require_POST
@login_required
def review_action(request, slug, table, action):
    plan = viewable_plan(request.user, slug)
    if table not in Table.values or action not in REVIEW_ACTIONS:
        raise Http404
    locality = None
    if table == Table.DISTRICTS:
        rows = {row.locality.slug: row for row in screen.review_localities(plan)}
        row = rows.get(request.POST.get("locality", ""))
        if row is None:
            raise Http404(_("This plan's district table has no such row."))
        locality, label = row.locality, row.label
    else:
        label = _("Indicator table")
    try:
        review_transition(
            user=request.user,
            plan=plan,
            table=table,
            action=Action(action),
            locality=locality,
            comment=request.POST.get("comment", ""),
        )
    except PermissionDenied as refused:
        return _refused(request, plan, str(refused))
    except ValidationError as invalid:
        messages.error(request, f"{label}: {' '.join(invalid.messages)}")
    else:
        messages.success(request, CONFIRMATIONS[Action(action)] % {"part": label})
    anchor = f"#part-{locality.slug}" if locality is not None else "#part-indicators"
    return redirect(reverse("review:review", args=[plan.slug]) + anchor)


# --- history ----------------------------------------------------------------------------------------


class ChangeLogFilterForm(forms.Form):
    """The change log's filters, a plain GET form (bookmarkable); invalid filters are ignored."""

    kind = forms.ChoiceField(label=gettext_lazy("Record"), required=False)
    user = forms.ChoiceField(label=gettext_lazy("Changed by"), required=False)
    locality = forms.ChoiceField(label=gettext_lazy("Locality"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"})
    )

    def __init__(self, data, *, plan):
        super().__init__(data)
        self.fields["kind"].choices = (
            [("", _("All records"))]
            + [(code, kind.label) for code, kind in changelog.KINDS.items()]
            + [(changelog.REVIEW, _("Review steps")), (changelog.INITIAL, _("Initial data"))]
        )
        self.fields["user"].choices = (
            [("", _("Anybody"))]
            + [(str(user.pk), changelog.person_label(user)) for user in changelog.change_log_users(plan)]
            + [(changelog.NO_USER, _("An import or the system"))]
        )
        self.localities = {
            row.locality.slug: row.locality for row in screen.review_localities(plan) if not row.is_total
        } | {plan.province.slug: plan.province}
        self.fields["locality"].choices = [("", _("All localities"))] + [
            (slug, locality.name) for slug, locality in self.localities.items()
        ]

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or None,
            "user": data.get("user") or None,
            "locality": self.localities.get(data.get("locality") or ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


@login_required
def change_log(request, slug):
    """Who changed what in the plan, newest first; login required, for it names people."""
    plan = viewable_plan(request.user, slug)
    form = ChangeLogFilterForm(request.GET or None, plan=plan)
    page = Paginator(changelog.change_log(plan, **form.filters()), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "form": form,
        "page": page,
        "entries": changelog.entries(page.object_list, plan),
        "query": query.urlencode(),
    }
    return render(request, "review/history.html", context)


@login_required
def object_history(request, slug, model, pk):
    """Every recorded version of one figure, value, duty or task; shown, never editable."""
    plan = viewable_plan(request.user, slug)
    if model not in changelog.KINDS:
        raise Http404
    entries = changelog.object_history(plan, model, pk)
    if not entries:
        raise Http404
    context = {"plan": plan, "kind": changelog.KINDS[model], "entries": entries, "subject": entries[0].subject}
    return render(request, "review/object_history.html", context)


# --- reporting: recording that a report was sent -------------------------------------------------


class ReportedForm(forms.Form):
    reported_on = forms.DateField(
        label=gettext_lazy("Reported on"),
        required=False,
        help_text=gettext_lazy("dd/mm/yyyy; today when left empty."),
    )
    report_note = forms.CharField(label=gettext_lazy("Report reference"), required=False, max_length=300)


# No view that writes answers a GET: 405 first, logged in or not.
@require_POST
@login_required
def mark_reported(request, slug, pk):
    """Record that an obligation's report was sent (reviewers of the province only)."""
    plan = viewable_plan(request.user, slug)
    obligation = get_object_or_404(ReportingObligation, pk=pk, plan=plan)
    decision = Checker(request.user, plan).can_edit_document()
    if not decision:
        return _refused(request, plan, decision.reason)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("reports:results", args=[plan.slug])
    form = ReportedForm(request.POST)
    if not form.is_valid():
        problems = " ".join(message for errors in form.errors.values() for message in errors)
        messages.error(request, _("Not recorded: %(problems)s") % {"problems": problems})
        return redirect(back)
    try:
        reporting_obligation_mark_reported(
            user=request.user,
            obligation=obligation,
            reported_on=form.cleaned_data["reported_on"] or timezone.localdate(),
            note=form.cleaned_data["report_note"],
        )
    except PermissionDenied as refused:
        return _refused(request, plan, str(refused))
    except ValidationError as invalid:
        messages.error(request, _("Not recorded: %(problems)s") % {"problems": " ".join(invalid.messages)})
        return redirect(back)
    messages.success(request, _("The report was recorded as sent."))
    return redirect(back)

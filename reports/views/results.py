"""Results against targets, and the reporting deadlines beside them: a public page, like the plan."""

from django.shortcuts import render

from analysis import results as results_logic
from analysis.deadlines import reporting_deadlines
from kernel.page_cache import revision_cached
from workflow.page_keys import plan_page_key, viewable_plan_of
from workflow.permissions import Checker


@revision_cached(plan_page_key)
def results(request, slug):
    """Targets, results and their state per district and indicator; public, like the plan."""
    plan = viewable_plan_of(request, slug)
    context = {
        "plan": plan,
        "results": results_logic.plan_results(plan),
        "reporting": reporting_deadlines(plan),
        "can_mark_reported": bool(Checker(request.user, plan).can_edit_document()),
    }
    return render(request, "reports/results.html", context)

from django.shortcuts import render

from reports.permissions import viewable_plan
from reports.quality import check_plan, group_findings


def quality_report(request, slug):
    """The plan's data-quality findings, grouped by table; public, like the plan itself."""
    plan = viewable_plan(request, slug)
    findings = check_plan(plan)
    return render(
        request,
        "reports/quality.html",
        {"plan": plan, "findings": findings, "groups": group_findings(findings)},
    )

from django.shortcuts import render

from analysis.quality import check_plan, group_findings
from workflow.permissions import viewable_plan


def quality_report(request, slug):
    """The plan's data-quality findings, grouped by table; public, like the plan itself."""
    plan = viewable_plan(request.user, slug)
    findings = check_plan(plan)
    return render(
        request,
        "reports/quality.html",
        {"plan": plan, "findings": findings, "groups": group_findings(findings)},
    )

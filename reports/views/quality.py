from django.shortcuts import get_object_or_404, render

from plans.models import Plan
from reports.quality import check_plan, group_findings


def quality_report(request, slug):
    """The plan's data-quality findings, grouped by table; public, like the plan itself."""
    plan = get_object_or_404(Plan.objects.select_related("province"), slug=slug)
    findings = check_plan(plan)
    return render(
        request,
        "reports/quality.html",
        {"plan": plan, "findings": findings, "groups": group_findings(findings)},
    )

from django.shortcuts import render

from analysis.origins import finding_origins
from analysis.quality import check_plan, group_findings
from kernel.page_cache import revision_cached
from workflow.page_keys import plan_page_key, viewable_plan_of


@revision_cached(plan_page_key)
def quality_report(request, slug):
    """The plan's data-quality findings, grouped by table; public, like the plan itself."""
    plan = viewable_plan_of(request, slug)
    findings = check_plan(plan)
    origins = dict(zip(map(id, findings), finding_origins(plan, findings), strict=True))
    groups = [(table, [(f, origins[id(f)]) for f in items]) for table, items in group_findings(findings)]
    return render(request, "reports/quality.html", {"plan": plan, "findings": findings, "groups": groups})

"""Page-level access helpers over the one permission check (workflow.permissions)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from plans.models import Plan
from workflow.permissions import Checker


def viewable_plan(request, slug: str) -> Plan:
    """The plan of the URL, or 404 — also for a plan that is not public and not the user's."""
    plan = get_object_or_404(Plan.objects.select_related("province"), slug=slug)
    if not Checker(request.user, plan).can_view():
        raise Http404
    return plan


def can_edit_plan(user, plan: Plan) -> bool:
    """Whether the user may change anything in the plan (shows the edit and import buttons)."""
    return Checker(user, plan).may_edit_anything

"""Small plans for the tests of editing, review, history and results (tests/factories.py builds them; this adds the
steps those tests share)."""

from plans.models import HouseholdFigure, Plan
from workflow.services import FigureEdit, save_figures


def with_history(plan: Plan) -> Plan:
    """The plan's figures recorded as created in their history, as loading a plan records them
    (make_household_plan bulk-creates them, without history)."""
    HouseholdFigure.history.bulk_history_create(list(HouseholdFigure.objects.filter(plan=plan)))
    return plan


def district(plan: Plan, number: int):
    """The plan's district number `number` (from 1), as make_household_plan names it: “Huyện Số 1”, …"""
    return plan.province.children.get(slug=f"{plan.slug}-huyen-{number}")


def change_households(user, plan: Plan, households: int, *, number=1, year=2023, reason="Số liệu rà soát cuối năm"):
    """Change a district's target households through the service, as a grid save does."""
    locality = district(plan, number)
    figure = HouseholdFigure.objects.get(plan=plan, locality=locality, year=year, kind="target")
    result = save_figures(
        user=user,
        plan=plan,
        edits=[FigureEdit("c", locality, year, "target", {"households": households}, version=figure.version)],
        reason=reason,
    )
    assert result.ok, result.errors

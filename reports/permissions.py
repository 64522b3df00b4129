"""The one check of who may change a plan's figures (views, forms, imports all ask here).

Until scoped roles exist, the right to edit is Django's model permission on the figures,
granted through the admin to staff accounts.
"""

from plans.models import Plan


def can_edit_plan(user, plan: Plan) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perms(["plans.change_householdfigure", "indicators.change_indicatorvalue"])
    )

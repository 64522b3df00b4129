from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanTablesConfig(AppConfig):
    """The reads of a plan's tables that every page, check, grid and workbook shares."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "plan_tables"
    verbose_name = _("Plan tables")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """Who may change what (roles with scopes) and where each table stands in review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow"
    verbose_name = _("Roles and review")

    def ready(self):
        # Every model of the domain apps advances the data revision of the pages that show it (workflow/revisions.py).
        from . import revisions

        revisions.connect()

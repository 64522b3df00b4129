from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    """The editing grids: officials change figures and targets in the browser."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editing"
    verbose_name = _("Editing")

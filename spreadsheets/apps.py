from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    """Appendix workbooks: export in the official layout, import with validation, the upload limit."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "spreadsheets"
    verbose_name = _("Spreadsheets")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localities"
    verbose_name = _("Localities")

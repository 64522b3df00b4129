from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedingConfig(AppConfig):
    """The two seed plans and the national demo dataset, with their commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "seeding"
    verbose_name = _("Seeding")

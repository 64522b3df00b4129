from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """The shared kernel: number parsing and formatting, number fields, text normalisation, Vietnamese formats,
    the admin base. It imports no app of ours."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kernel"
    verbose_name = _("Kernel")

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """The shared kernel: number parsing and formatting, number fields, text normalisation, Vietnamese formats,
    the admin base. It imports no app of ours."""

    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "kernel"
    verbose_name = _("Kernel")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from .search import register_sqlite
        from .text import clean_text_before_save

        # Text is stored NFC and without invisible characters, whichever way it came in (kernel.text.clean_input).
        pre_save.connect(clean_text_before_save, dispatch_uid="kernel.clean_text_before_save")
        # The admin's searches compare without diacritics in the database (kernel.search.SearchKey).
        connection_created.connect(register_sqlite, dispatch_uid="kernel.search.register_sqlite")


class KernelAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site: every admin's search ignores Unicode forms and diacritics."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin; `kernel` itself is KernelConfig
    default_site = "kernel.admin_base.SearchingAdminSite"

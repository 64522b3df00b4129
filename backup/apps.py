from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    """Backing up and restoring the database (make backup, make restore)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backup"
    verbose_name = _("Backup")

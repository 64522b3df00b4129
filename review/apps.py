from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The review screen (submit, approve, return, reopen) and the change log pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    verbose_name = _("Review")

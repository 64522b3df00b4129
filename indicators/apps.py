from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from plans.models import refuse_coordinating_agencies_of_another_province

        from .models import PlanIndicator

        m2m_changed.connect(
            refuse_coordinating_agencies_of_another_province,
            sender=PlanIndicator.coordinating_agencies.through,
            dispatch_uid="plan_indicator_coordinating_agencies_of_the_province",
        )

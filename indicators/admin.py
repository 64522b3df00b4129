from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import NumberFormattingAdmin
from kernel.numbers import format_measure
from plans.admin import LegalBasisInline, PlanAdmin
from plans.forms import CoordinatingAgenciesForm

from .models import Dimension, Indicator, PlanIndicator


@admin.register(Dimension)
class DimensionAdmin(NumberFormattingAdmin):
    list_display = ["name", "code", "order", "is_social_service"]
    search_fields = ["name", "code"]


@admin.register(Indicator)
class IndicatorAdmin(NumberFormattingAdmin):
    list_display = ["name", "dimension", "unit", "direction", "code"]
    list_filter = ["dimension", "unit", "direction"]
    search_fields = ["name", "code"]


class PlanIndicatorInline(admin.TabularInline):
    model = PlanIndicator
    extra = 0
    fields = ["order", "number", "indicator", "text", "lead_agency", "values_summary"]
    readonly_fields = ["values_summary"]
    autocomplete_fields = ["indicator", "lead_agency"]
    show_change_link = True
    verbose_name_plural = _("indicator targets")

    @admin.display(description=_("values by year"))
    def values_summary(self, obj):
        return " · ".join(
            f"{value.year}: {value.get_qualifier_display() if value.qualifier != 'exactly' else ''} "
            f"{format_measure(value.value)}".replace("  ", " ")
            for value in obj.values.all()
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "lead_agency").prefetch_related("values")


@admin.register(PlanIndicator)
class PlanIndicatorAdmin(NumberFormattingAdmin):
    list_display = ["short_text", "indicator", "dimension", "unit", "lead_agency", "plan"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        "plan",
        "indicator__dimension",
        ("lead_agency", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "indicator__name", "responsible_as_written"]
    autocomplete_fields = ["indicator", "lead_agency", "coordinating_agencies", "plan", "section"]
    list_select_related = ["indicator__dimension", "lead_agency", "plan"]
    form = CoordinatingAgenciesForm
    # workflow.admin adds the yearly values, written through the one write service

    @admin.display(description=_("text as written"))
    def short_text(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")

    @admin.display(description=_("dimension"), ordering="indicator__dimension__order")
    def dimension(self, obj):
        return obj.indicator.dimension

    @admin.display(description=_("unit"))
    def unit(self, obj):
        return obj.indicator.unit


# IndicatorValue's admin is workflow.admin's: every change of a value goes through the one write service.

# Plans cannot know about indicators (indicators depend on plans): the plan's page shows its indicator targets
# through the hook the plan admin offers.
PlanAdmin.contribute_inline(PlanIndicatorInline, after=LegalBasisInline)

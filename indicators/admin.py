from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from plans.admin import PlanAdmin
from plans.models import Plan
from povertyplan.admin_base import NumberFormattingAdmin, NumberFormattingInline, measure_column
from povertyplan.numbers import format_measure

from .models import Dimension, Indicator, IndicatorValue, PlanIndicator


@admin.register(Dimension)
class DimensionAdmin(NumberFormattingAdmin):
    list_display = ["name", "code", "order", "is_social_service"]
    search_fields = ["name", "code"]


@admin.register(Indicator)
class IndicatorAdmin(NumberFormattingAdmin):
    list_display = ["name", "dimension", "unit", "direction", "code"]
    list_filter = ["dimension", "unit", "direction"]
    search_fields = ["name", "code"]


class IndicatorValueInline(NumberFormattingInline, admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["year", "kind", "value", "qualifier", "value_as_written", "note"]


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
    inlines = [IndicatorValueInline]

    @admin.display(description=_("text as written"))
    def short_text(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")

    @admin.display(description=_("dimension"), ordering="indicator__dimension__order")
    def dimension(self, obj):
        return obj.indicator.dimension

    @admin.display(description=_("unit"))
    def unit(self, obj):
        return obj.indicator.unit


@admin.register(IndicatorValue)
class IndicatorValueAdmin(NumberFormattingAdmin):
    list_display = ["plan_indicator", "year", "kind", "qualifier", "value_display", "value_as_written"]
    list_filter = [
        ("plan_indicator__plan__province", admin.RelatedOnlyFieldListFilter),
        "plan_indicator__plan",
        "year",
        "kind",
        "qualifier",
        "plan_indicator__indicator__dimension",
    ]
    search_fields = ["plan_indicator__text", "value_as_written"]
    autocomplete_fields = ["plan_indicator"]
    list_select_related = ["plan_indicator"]
    value_display = measure_column("value", _("value"))


# Plans cannot know about indicators (indicators depend on plans), so the indicators app extends
# the plan admin with the plan's indicator targets.
admin.site.unregister(Plan)


@admin.register(Plan)
class PlanWithIndicatorsAdmin(PlanAdmin):
    inlines = [*PlanAdmin.inlines[:1], PlanIndicatorInline, *PlanAdmin.inlines[1:]]

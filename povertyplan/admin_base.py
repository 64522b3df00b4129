"""What every model admin of the project shares: Vietnamese number input and display."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .fields import CountField, LocalizedNumberInput, MeasureField, RateField
from .numbers import format_count, format_decimal, format_measure


class NumberFormattingAdmin(admin.ModelAdmin):
    # The admin would otherwise give integer fields a type=number input, which refuses "7.540".
    formfield_overrides = {
        CountField: {"widget": LocalizedNumberInput},
        RateField: {"widget": LocalizedNumberInput},
        MeasureField: {"widget": LocalizedNumberInput},
    }
    list_per_page = 50


class NumberFormattingInline:
    formfield_overrides = NumberFormattingAdmin.formfield_overrides


def count_column(field_name: str, label):
    """A changelist column showing a count as 7.540."""

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        return format_count(getattr(obj, field_name))

    return column


def rate_column(field_name: str, label):
    """A changelist column showing a rate as 2,27."""

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        return format_decimal(getattr(obj, field_name))

    return column


def measure_column(field_name: str, label):
    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        return format_measure(getattr(obj, field_name))

    return column


YES_NO = {True: _("Yes"), False: _("No")}

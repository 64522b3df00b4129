"""Model and form fields for counts, rates and measures, read and shown the way the user writes them.

The model fields only choose the form field: every form built from these models — the admin, the
editing grid, the import preview — then parses "7.540" and "2,27" with the one parser
(`kernel.numbers.parse_number`) and shows values grouped in the active language.
"""

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .numbers import NumberFormatError, format_count, format_measure, parse_number


class LocalizedNumberInput(forms.TextInput):
    # A text input, not type=number: browsers' number inputs reject "7.540" and "2,27".
    def __init__(self, attrs=None, inputmode="decimal"):
        super().__init__({"inputmode": inputmode, "autocomplete": "off", **(attrs or {})})


class LocalizedIntegerField(forms.IntegerField):
    widget = LocalizedNumberInput

    def __init__(self, **kwargs):
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return int(parse_number(value, integer=True))
        except NumberFormatError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_count(value)
        return value

    def widget_attrs(self, widget):
        # No min/max/step HTML attributes: they mean nothing on a text input.
        return {}


class LocalizedDecimalField(forms.DecimalField):
    widget = LocalizedNumberInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except NumberFormatError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_measure(value)
        return value

    def widget_attrs(self, widget):
        return {}


class CountField(models.IntegerField):
    """A number of households, people or workers. Non-negativity is a named constraint on each model."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LocalizedIntegerField, **kwargs})


class RateField(models.DecimalField):
    """A percentage with two decimals, as published (0,00 – 100,00)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LocalizedDecimalField, **kwargs})


class MeasureField(models.DecimalField):
    """An indicator value: a percentage, or a count of households, people or workers."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LocalizedDecimalField, **kwargs})


YEAR_HELP = _("A calendar year, e.g. 2024.")
